import { expect, Page, test } from "@playwright/test";
import { hydrated, logInAs, newStreamer, newViewer, screenshots } from "./helpers";

// Every page in two languages (English, and German, whose long words test the layout), at a
// phone's and a desktop's width, with JavaScript off and hydrated: each is checked to be the page
// asked for, in the language asked for, before its picture is taken for a person to look at
// (test-results/screenshots/).

const WORDS = {
  en: {
    titles: {
      home: "VIP Manager · timed VIP for channel points",
      dashboard: "Dashboard · VIP Manager",
      activity: "Activity · VIP Manager",
      analytics: "Analytics · VIP Manager",
      settings: "Settings · VIP Manager",
      account: "Account · VIP Manager",
    },
    logOut: "Log out",
    overlayTitle: "VIP overlay",
  },
  de: {
    titles: {
      home: "VIP Manager · VIP auf Zeit für Kanalpunkte",
      dashboard: "Übersicht · VIP Manager",
      activity: "Aktivität · VIP Manager",
      analytics: "Statistiken · VIP Manager",
      settings: "Einstellungen · VIP Manager",
      account: "Konto · VIP Manager",
    },
    logOut: "Abmelden",
    overlayTitle: "VIP-Overlay",
  },
} as const;

async function shows(page: Page, path: string, lang: keyof typeof WORDS, javaScriptEnabled: boolean) {
  const separator = path.includes("?") ? "&" : "?";
  const response = await page.goto(`${path}${separator}lang=${lang}`);
  expect(response?.status(), path).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", lang);
  if (javaScriptEnabled) await hydrated(page);
  // Signed in, in this language: the header's log-out control says so.
  await expect(page.getByText(WORDS[lang].logOut, { exact: true })).not.toHaveCount(0);
}

test("every page in English and German at 390 and 1280 px", async ({ page, browser, javaScriptEnabled, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  const streamer = await newStreamer(page.request, "e2e_shot");
  await logInAs(page, streamer.login, javaScriptEnabled);
  // Things for the pages to show: a reward, a VIP, a public page.
  const reward = await page.request.post("/api/channel-points", {
    data: { title: "VIP for an hour", cost: 100, duration_secs: 3600 },
  });
  expect(reward.status(), await reward.text()).toBe(201);
  const viewer = await newViewer(page.request, "e2e_shv");
  const vip = await page.request.post("/api/vip", { data: { user_login: viewer.login, duration_secs: 3600 } });
  expect(vip.status(), await vip.text()).toBe(201);
  const settings = await page.request.put("/api/settings", { data: { public_page: true } });
  expect(settings.status(), await settings.text()).toBe(200);

  for (const lang of ["en", "de"] as const) {
    for (const [name, title] of Object.entries(WORDS[lang].titles)) {
      const path = name === "home" ? "/" : `/${name}`;
      await shows(page, path, lang, javaScriptEnabled);
      await expect(page).toHaveTitle(title);
      await screenshots(page, testInfo, `page-${name}-${lang}`);
    }
    await shows(page, `/c/${streamer.login}`, lang, javaScriptEnabled);
    await expect(page.getByRole("heading", { name: streamer.display_name })).toBeVisible();
    await screenshots(page, testInfo, `page-public-${lang}`);
  }

  // The overlay, as OBS opens it: its own browser, no login, in the language of its option.
  await page.goto("/settings");
  await page.locator("#overlay-make").getByRole("button").click();
  const field = page.locator("#new-overlay-url-value");
  await expect(field).toHaveValue(/\/overlay\/[0-9a-f]{64}$/);
  const path = new URL(await field.inputValue(), baseURL).pathname;
  const obs = await browser.newContext({ javaScriptEnabled: true, reducedMotion: "reduce" });
  const overlay = await obs.newPage();
  for (const lang of ["en", "de"] as const) {
    const shown = await overlay.goto(`${path}?lang=${lang}`);
    expect(shown?.status()).toBe(200);
    await expect(overlay.locator("html")).toHaveAttribute("lang", lang);
    await expect(overlay).toHaveTitle(WORDS[lang].overlayTitle);
    await expect(overlay.locator("#overlay-vips li").filter({ hasText: viewer.display_name })).toHaveCount(1);
    await screenshots(overlay, testInfo, `page-overlay-${lang}`);
  }
  await obs.close();
});
