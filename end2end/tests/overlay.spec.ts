import { expect, test } from "@playwright/test";
import { LIVE, logInAs, newStreamer, newViewer } from "./helpers";

// The OBS overlay: its URL made on the settings page (a plain form without JavaScript, the
// hydrated form with it), opened as OBS opens it (no login, JavaScript on, transparent), a grant
// made on the dashboard's REST API shown live as the "new VIP" alert and in the list, and the
// URL revoked (404 from then on). Screenshots at phone and desktop width.

test("the overlay shows a new VIP live and its URL dies when revoked", async ({ page, browser, javaScriptEnabled, baseURL }, testInfo) => {
  const streamer = await newStreamer(page.request, "e2e_ovl");
  const viewer = await newViewer(page.request, "e2e_ovv");
  await logInAs(page, streamer.login, javaScriptEnabled);

  await page.goto("/settings");
  await page.locator("#overlay-make").getByRole("button").click();
  await expect(page).toHaveURL(/\/settings#overlay-title$/);
  const field = page.locator("#new-overlay-url-value");
  await expect(field).toHaveValue(/\/overlay\/[0-9a-f]{64}$/);
  await expect(field).toBeInViewport();
  const url = await field.inputValue();
  const path = new URL(url, baseURL).pathname;

  // OBS: its own browser, no login, JavaScript on, reduced motion for a steady screenshot.
  const obs = await browser.newContext({ javaScriptEnabled: true, reducedMotion: "reduce" });
  const overlay = await obs.newPage();
  const shown = await overlay.goto(`${path}?corner=top-left&size=l`);
  expect(shown?.status()).toBe(200);
  await expect(overlay.locator("#overlay")).toHaveAttribute("data-connected", "1", LIVE);

  const granted = await page.request.post("/api/vip", {
    data: { user_login: viewer.login, duration_secs: 3 * 3600 + 12 * 60 },
    headers: { Origin: new URL(baseURL!).origin, "Sec-Fetch-Site": "same-origin" },
  });
  expect(granted.status(), await granted.text()).toBe(201);
  const alert = overlay.locator("#overlay-alert");
  await expect(alert).toBeVisible(LIVE);
  await expect(alert).toContainText(viewer.display_name);
  await expect(overlay.locator("#overlay-vips li").filter({ hasText: viewer.display_name })).toContainText(/3:1\d:\d\d/);

  for (const [label, width, height] of [
    ["phone", 390, 844],
    ["desktop", 1280, 720],
  ] as const) {
    await overlay.setViewportSize({ width, height });
    await overlay.screenshot({
      path: `test-results/screenshots/${testInfo.project.name}-overlay-${label}.png`,
      omitBackground: true,
    });
  }
  // The page itself draws no background: OBS composites it over the stream.
  const background = await overlay.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe("rgba(0, 0, 0, 0)");

  await page.goto("/settings");
  await page.locator("#overlay-revoke").getByRole("button").click();
  await expect(page.locator("#overlay-state")).toContainText("No overlay URL yet");
  expect((await page.request.get(path)).status()).toBe(404);
  await obs.close();
});
