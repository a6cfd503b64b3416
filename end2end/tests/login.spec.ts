import { expect, test } from "@playwright/test";
import { hydrated, screenshots, watchErrors } from "./helpers";

// Demo mode: the simulated Twitch approves the login as `demo_streamer`.

test("the dashboard asks strangers to log in", async ({ page }, testInfo) => {
  const res = await page.goto("/dashboard");
  expect(res?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Log in to see your channel" })).toBeVisible();
  await screenshots(page, testInfo, "dashboard-logged-out");
});

test("logging in with Twitch leads to the channel's dashboard", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  await page.goto("/");
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole("link", { name: "Log in with Twitch" }).first().click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demo_streamer");
  await expect(page.locator("#signed-in-as")).toHaveText("Demo_streamer");
  await expect(page.getByRole("heading", { name: /^VIPs/ })).toBeVisible();
  await screenshots(page, testInfo, "dashboard");

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Log in with Twitch" }).first()).toBeVisible();
  expect(errors).toEqual([]);
});
