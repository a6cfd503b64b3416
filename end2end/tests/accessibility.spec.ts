import AxeBuilder from "@axe-core/playwright";
import { expect, Locator, Page, test } from "@playwright/test";
import { hydrated, LIVE, logInAs, newStreamer, newViewer, screenshots, twitchVips } from "./helpers";

// Every page at a phone's and a desktop's width has no serious or critical accessibility
// violation as axe-core finds them (WCAG 2.1 A and AA rules), with JavaScript off and hydrated; and
// a VIP can be granted, extended and revoked with the keyboard alone.

const WIDTHS = [
  ["phone", 390, 844],
  ["desktop", 1280, 900],
] as const;

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

test("every page has no serious or critical axe violation at 390 and 1280 px", async ({ page, browser, javaScriptEnabled }, testInfo) => {
  test.setTimeout(300_000);
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  // Things for the pages to show: a reward, a VIP, a public page.
  const reward = await page.request.post("/api/channel-points", {
    data: { title: "VIP for an hour", cost: 100, duration_secs: 3600 },
  });
  expect(reward.status(), await reward.text()).toBe(201);
  const viewer = await newViewer(page.request);
  const vip = await page.request.post("/api/vip", { data: { user_login: viewer.login, duration_secs: 3600 } });
  expect(vip.status(), await vip.text()).toBe(201);
  const settings = await page.request.put("/api/settings", { data: { public_page: true } });
  expect(settings.status(), await settings.text()).toBe(200);

  // axe runs as a script in the page: without JavaScript, the same signed-in pages are checked in a
  // context that runs scripts but never loads the app's bundle, so the server's HTML stays as it is.
  let checked = page;
  if (!javaScriptEnabled) {
    const context = await browser.newContext({
      javaScriptEnabled: true,
      storageState: await page.context().storageState(),
    });
    await context.route(/\/pkg\//, (route) => route.abort());
    checked = await context.newPage();
  }
  const pages = ["/", "/dashboard", "/activity", "/settings", "/account", "/analytics", `/c/${streamer.login}`, "/no-such-page"];
  const found: Record<string, unknown> = {};
  for (const path of pages) {
    for (const [label, width, height] of WIDTHS) {
      await checked.setViewportSize({ width, height });
      await checked.goto(path);
      if (javaScriptEnabled) await hydrated(checked);
      const violations = await seriousViolations(checked);
      if (violations.length > 0) found[`${path} @ ${label}`] = violations;
    }
  }
  expect(found).toEqual({});
  await page.goto("/dashboard");
  if (javaScriptEnabled) await hydrated(page);
  await screenshots(page, testInfo, "dashboard-a11y");
});

/** Presses Tab until `target` has the focus (a keyboard user's way there). */
async function tabTo(page: Page, target: Locator) {
  for (let presses = 0; presses < 200; presses++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("the element never got the focus by Tab");
}

test("a VIP is granted, extended and revoked with the keyboard alone", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  const row = page.locator(`#vip-list li[data-viewer="${viewer.login}"]`);
  const timeLeft = row.getByLabel("time left");

  // Grant: Tab to the viewer field, type, Tab to the amount, Enter submits.
  await tabTo(page, page.locator("#grant-login"));
  await page.keyboard.type(viewer.login);
  await page.keyboard.press("Tab");
  await expect(page.locator("#grant-amount")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(row).toBeVisible(LIVE);
  if (javaScriptEnabled) await hydrated(page);
  await expect(timeLeft).toHaveText(/^(59:\d\d|1:00:00)$/);

  // Extend: Tab to the row's "+1 h" and press Enter.
  await tabTo(page, row.getByRole("button", { name: "+1 h" }));
  await page.keyboard.press("Enter");
  await expect(timeLeft).toHaveText(/^(1:59:\d\d|2:00:00)$/, LIVE);
  if (javaScriptEnabled) await hydrated(page);

  // Revoke: Tab to the row's "Revoke" and press Space.
  await tabTo(page, row.getByRole("button", { name: "Revoke" }));
  await page.keyboard.press("Space");
  await expect(row).toHaveCount(0, LIVE);
  expect(await twitchVips(page.request, streamer.login)).not.toContain(viewer.login);
});
