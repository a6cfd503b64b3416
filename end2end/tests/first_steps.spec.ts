import { expect, test } from "@playwright/test";
import { hydrated, LIVE, logInAs, newStreamer, reloadUntil, screenshots } from "./helpers";

// The dashboard's first steps and VIP slots: the checklist with each step's state and its fix,
// the demo's "Simulate a redemption" (which goes through the simulated Twitch and EventSub), and
// the slots panel with the exclusion list, with JavaScript off and hydrated.

test("the checklist guides a new streamer, and the demo simulates a redemption", async ({ page, javaScriptEnabled }, testInfo) => {
  test.setTimeout(90_000);
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);

  const steps = page.locator("#first-steps");
  await expect(steps).toBeVisible();
  await expect(steps).toContainText("No reward yet.");
  await expect(steps.getByRole("link", { name: "Create or switch on a reward" })).toHaveAttribute("href", "/settings");
  await expect(page.locator("#simulate")).toContainText("Create a reward first");
  await expect(page.locator("#slots-used")).toHaveText("0 used");
  await screenshots(page, testInfo, "dashboard-first-steps");

  const reward = await page.request.post("/api/channel-points", {
    data: { title: "VIP for five minutes", cost: 10, duration_secs: 300 },
  });
  expect(reward.status(), await reward.text()).toBe(201);
  await page.reload();
  if (javaScriptEnabled) await hydrated(page);
  await expect(steps).not.toContainText("No reward yet.");

  // Redemptions must reach the app before the simulated one is made.
  await expect(steps.locator("li", { hasText: "EventSub" })).toHaveAttribute("data-done", "true", LIVE).catch(async () => {
    await reloadUntil(page, () => expect(steps.locator("li", { hasText: "EventSub" })).toHaveAttribute("data-done", "true", { timeout: 1_000 }));
  });
  await page.getByRole("button", { name: "Simulate a redemption" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await reloadUntil(page, () => expect(page.locator("#vip-list li")).toHaveCount(1, { timeout: 1_000 }));
  await expect(page.locator("#vip-list li")).toContainText("(redeemed)");
  await expect(page.locator("#slots-used")).toHaveText("1 used");
  await screenshots(page, testInfo, "dashboard-simulated");
});

test("the exclusion list is kept from the dashboard", async ({ page, javaScriptEnabled }) => {
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  await page.getByLabel("Viewer to exclude").fill("viewer_dave");
  await page.getByRole("button", { name: "Add to the list" }).click();
  const entry = page.locator('#excluded-list li[data-excluded="viewer_dave"]');
  await expect(entry).toBeVisible(LIVE);
  if (javaScriptEnabled) await hydrated(page);
  await entry.getByRole("button", { name: /^Remove / }).click();
  await expect(entry).toHaveCount(0, LIVE);
  await expect(page.locator("#vip-slots")).toContainText("Nobody is on the list.");
});
