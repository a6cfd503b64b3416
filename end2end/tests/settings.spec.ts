import { expect, Page, test } from "@playwright/test";
import { hydrated, logIn, screenshots, watchErrors } from "./helpers";

// Demo mode: the simulated Twitch approves the login as `demo_streamer`. The server and its
// database are shared by every test and both projects, so each project changes settings to values
// of its own and names its reward after itself.

async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(path);
  if (javaScriptEnabled) await hydrated(page);
}

test("settings and account ask strangers to log in", async ({ page }) => {
  for (const [path, what] of [["/settings", "settings"], ["/account", "account"]]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(401);
    await expect(page.getByRole("heading", { name: `Log in to see your ${what}` })).toBeVisible();
  }
});

test("the default duration and stacking rule persist after a reload", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  await logIn(page, javaScriptEnabled);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Settings");

  // Each project sets values the other did not, so a stale page cannot pass.
  const [amount, unit, rule] = javaScriptEnabled ? ["5", "hours", "Extend"] : ["3", "days", "Reset"];
  await page.locator("#default-amount").fill(amount);
  await page.locator("#default-amount-unit").selectOption(unit);
  await page.getByLabel(rule, { exact: true }).check();
  // Moderators' permissions are granted one by one: each project sets them the other way round.
  await page.locator("#moderators-manage-rewards").setChecked(javaScriptEnabled);
  await page.locator("#moderators-read-log").setChecked(!javaScriptEnabled);

  if (javaScriptEnabled) {
    // The chat preview follows what is typed, rendered by the engine's own template function.
    await page.locator("#chat-granted").fill("Welcome {viewer}: VIP for {duration}!");
    await expect(page.locator('[data-preview="chat-granted"]')).toHaveText("Welcome CoolViewer42: VIP for 5 h!");
  }
  await page.getByRole("button", { name: "Save settings" }).click();
  // A plain form post in both projects: the page it is redirected to says it was saved.
  await expect(page).toHaveURL(/\/settings#settings-result$/);
  await expect(page.locator("#settings-result")).toHaveText("Settings saved");
  await expect(page.locator("#settings-result")).toBeInViewport();

  await page.reload();
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.locator("#default-amount")).toHaveValue(amount);
  await expect(page.locator("#default-amount-unit")).toHaveValue(unit);
  await expect(page.getByLabel(rule, { exact: true })).toBeChecked();
  await expect(page.locator("#moderators-manage-rewards")).toBeChecked({ checked: javaScriptEnabled });
  await expect(page.locator("#moderators-read-log")).toBeChecked({ checked: !javaScriptEnabled });
  if (javaScriptEnabled) {
    await expect(page.locator('[data-preview="chat-granted"]')).toHaveText("Welcome CoolViewer42: VIP for 5 h!");
  }

  expect(errors).toEqual([]);

  // A refused value is explained next to the form and nothing changes.
  await page.locator("#default-amount").fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#settings-result")).toContainText("at least one second");
  await page.reload();
  await expect(page.locator("#default-amount")).toHaveValue(amount);

  await screenshots(page, testInfo, "settings");
});

test("a reward created on the settings page is listed", async ({ page, javaScriptEnabled }) => {
  const errors = watchErrors(page);
  await logIn(page, javaScriptEnabled);
  await open(page, "/settings", javaScriptEnabled);
  // Twitch refuses two rewards with one title: unique per project and run.
  const title = `VIP for an hour (${javaScriptEnabled ? "hydrated" : "ssr"} ${Date.now() % 100_000})`;

  const form = page.locator("#reward-create");
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Cost (points)").fill("1200");
  await form.getByLabel("VIP time: amount").fill("1");
  await form.getByLabel("VIP time: unit").selectOption("hours");
  await form.getByLabel("Max per viewer per stream").fill("2");
  await page.getByRole("button", { name: "Create reward" }).click();

  const row = page.locator(`#reward-list li[data-reward="${title}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("1,200 points · VIP for 1 h · 2 per viewer per stream");
  await expect(row).toContainText("enabled");

  // Switching it off is a form too.
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(page.locator(`#reward-list li[data-reward="${title}"]`)).toContainText("disabled");
  expect(errors).toEqual([]);
});

test("the account page lists the required scopes", async ({ page, javaScriptEnabled }, testInfo) => {
  await logIn(page, javaScriptEnabled);
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expect(page.locator("#account-login")).toHaveText("@demo_streamer");

  const scopes = page.locator("#scope-list > li");
  // A new channel has chat commands on, so reading chat is asked for too.
  const required = ["channel:manage:vips", "channel:manage:redemptions", "moderation:read", "user:write:chat", "user:read:chat"];
  await expect(scopes).toHaveCount(required.length);
  for (const scope of required) {
    await expect(page.locator(`#scope-list li[data-scope="${scope}"]`)).toContainText("granted");
  }
  await expect(page.locator("#reauth-prompt")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Re-authorise with Twitch" })).toHaveAttribute("href", "/api/auth/login?force=true");
  await expect(page.locator("#token-health")).toContainText("UTC");
  await expect(page.locator("#eventsub-state")).not.toBeEmpty();
  await screenshots(page, testInfo, "account");
});
