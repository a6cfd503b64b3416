import { expect, test } from "@playwright/test";
import { hydrated, logIn, revokeAppVips, screenshots, watchErrors } from "./helpers";

// Demo mode: the simulated Twitch approves the login as `demo_streamer`. The server (and its
// database) is shared by every test and both projects, so assertions allow for earlier runs: counts
// only grow, and a second grant to the same viewer is logged as an extension.

// Leave the channel as other tests expect it: no VIPs granted by the app.
test.afterEach(async ({ page }) => revokeAppVips(page.request));

test("analytics ask strangers to log in", async ({ page }) => {
  const res = await page.goto("/analytics");
  expect(res?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Log in to see your analytics" })).toBeVisible();
});

test("a VIP granted on the dashboard shows in the analytics", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  await logIn(page, javaScriptEnabled);

  await page.locator("#grant-login").fill("viewer_carol");
  await page.locator("#grant-amount").fill("1");
  await page.locator("#grant-unit").selectOption("hours");
  await page.getByRole("button", { name: "Grant VIP" }).click();
  await expect(page.locator('#vip-list li[data-viewer="viewer_carol"]')).toBeVisible();

  await page.getByRole("link", { name: "Analytics", exact: true }).click();
  await expect(page).toHaveURL(/\/analytics$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Analytics");
  await expect(page.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "page");
  for (const name of ["Redemptions per day", "Channel points spent per day", "Active VIPs per day"]) {
    await expect(page.getByRole("img", { name: `${name}, the last 30 days` })).toBeVisible();
  }
  await expect(page.locator("#active-now")).not.toHaveText("0");
  await expect(page.locator('#top-viewers li[data-key="viewer_carol"]')).toContainText("Viewer_carol");

  // The numbers behind a chart open from the keyboard, with or without JavaScript.
  await page.getByText("Show the numbers").first().focus();
  await page.keyboard.press("Enter");
  const table = page.getByRole("table", { name: "Redemptions per day, the last 30 days" });
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(30);

  // Another window: a link, so it works without JavaScript too.
  await page.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\/analytics\?days=7$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("img", { name: "Redemptions per day, the last 7 days" })).toBeVisible();
  await expect(page.getByRole("link", { name: "7 days" })).toHaveAttribute("aria-current", "page");
  await screenshots(page, testInfo, "analytics");
  expect(errors).toEqual([]);
});
