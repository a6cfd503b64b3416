import { APIRequestContext, expect, Page, test } from "@playwright/test";
import {
  approveLoginsAs,
  hydrated,
  LIVE,
  logInAs,
  newStreamer,
  newViewer,
  reloadUntil,
  screenshots,
  SIM,
} from "./helpers";

// When Twitch's authorisation does not cover what the channel needs — a scope missing from the
// token, a grant rule that needs a scope the streamer never granted, or an authorisation the
// streamer revoked on Twitch — the app asks the streamer to re-authorise, and re-authorising
// clears the prompt. Each test logs in as a streamer of its own.

// A new channel has chat commands on, so reading chat is needed too.
const REQUIRED = [
  "channel:manage:vips",
  "channel:manage:redemptions",
  "moderation:read",
  "user:write:chat",
  "user:read:chat",
];

async function scopeSummary(request: APIRequestContext): Promise<{ granted: string[]; required: string[]; missing: string[] }> {
  const res = await request.get("/api/settings/scopes");
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function openAccount(page: Page, javaScriptEnabled: boolean) {
  await page.goto("/account");
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
}

/** The app's Twitch client id, as its login link names it. */
async function clientId(request: APIRequestContext): Promise<string> {
  const res = await request.get("/api/auth/login", { maxRedirects: 0 });
  return new URL(res.headers()["location"]).searchParams.get("client_id") ?? "";
}

test("a token without a required scope: the account page asks to re-authorise until the streamer does", async ({
  page,
  javaScriptEnabled,
}, testInfo) => {
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled, { withoutScope: "user:write:chat" });
  expect((await scopeSummary(page.request)).missing).toEqual(["user:write:chat"]);

  // The dashboard, where the login lands, says so and leads to the account page.
  const banner = page.locator("#scope-banner");
  await expect(banner).toContainText("missing: user:write:chat");
  await expect(banner.getByRole("link", { name: "Re-authorise with Twitch" })).toHaveAttribute("href", "/api/auth/login?force=true");
  await screenshots(page, testInfo, "dashboard-scope-missing");
  await banner.getByRole("link", { name: "your account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await openAccount(page, javaScriptEnabled);
  const prompt = page.locator("#reauth-prompt");
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText("Twitch has not granted 1 of the permissions the app needs");
  const missing = page.locator('#scope-list li[data-scope="user:write:chat"]');
  await expect(missing).toHaveAttribute("data-granted", "false");
  await expect(missing).toContainText("missing");
  for (const scope of REQUIRED.filter((s) => s !== "user:write:chat")) {
    await expect(page.locator(`#scope-list li[data-scope="${scope}"]`)).toHaveAttribute("data-granted", "true");
  }
  await screenshots(page, testInfo, "account-reauth");

  // Re-authorising grants what the app asks for: the prompt goes.
  await approveLoginsAs(page, streamer.login);
  await expect(prompt.getByRole("link", { name: "Re-authorise with Twitch" })).toHaveAttribute("href", "/api/auth/login?force=true");
  await prompt.getByRole("link", { name: "Re-authorise with Twitch" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("#scope-banner")).toHaveCount(0);
  await openAccount(page, javaScriptEnabled);
  await expect(page.locator("#reauth-prompt")).toHaveCount(0);
  await expect(page.locator('#scope-list li[data-granted="true"]')).toHaveCount(REQUIRED.length);
  expect((await scopeSummary(page.request)).missing).toEqual([]);
});

/** Logs in as a new streamer and turns on VIP for subscribers, which needs `channel:read:subscriptions`. */
async function streamerWithSubRule(page: Page, javaScriptEnabled: boolean) {
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  expect((await scopeSummary(page.request)).missing).toEqual([]);
  const res = await page.request.put("/api/settings", { data: { grant_rules: { subscription: 86_400 } } });
  expect(res.status(), await res.text()).toBe(200);
  const summary = await scopeSummary(page.request);
  expect(summary.required).toContain("channel:read:subscriptions");
  expect(summary.missing).toEqual(["channel:read:subscriptions"]);
  return streamer;
}

test("a grant rule that needs another scope: the next login from the account page grants it", async ({ page, javaScriptEnabled }) => {
  await streamerWithSubRule(page, javaScriptEnabled);
  await openAccount(page, javaScriptEnabled);
  await page.getByRole("link", { name: "Re-authorise with Twitch" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const summary = await scopeSummary(page.request);
  expect(summary.granted).toContain("channel:read:subscriptions");
  expect(summary.missing).toEqual([]);
});

test("a grant rule that needs another scope shows the re-authorise prompt on the account page", async ({ page, javaScriptEnabled }) => {
  await streamerWithSubRule(page, javaScriptEnabled);
  await openAccount(page, javaScriptEnabled);
  await expect(page.locator("#reauth-prompt")).toContainText("Twitch has not granted 1 of the permissions the app needs");
  await expect(page.locator("#scope-list > li")).toHaveCount(REQUIRED.length + 1);
  await expect(page.locator('#scope-list li[data-scope="channel:read:subscriptions"]')).toHaveAttribute("data-granted", "false");

  await page.locator("#reauth-prompt").getByRole("link", { name: "Re-authorise with Twitch" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await openAccount(page, javaScriptEnabled);
  await expect(page.locator("#reauth-prompt")).toHaveCount(0);
  await expect(page.locator('#scope-list li[data-scope="channel:read:subscriptions"]')).toHaveAttribute("data-granted", "true");
});

test("an authorisation revoked on Twitch signs the streamer out everywhere; logging in again restores the channel", async ({
  page,
  javaScriptEnabled,
}, testInfo) => {
  const streamer = await newStreamer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  const banner = page.getByRole("alert").filter({ hasText: "Twitch no longer accepts this app's authorisation" });
  await expect(banner).toHaveCount(0);

  // The streamer disconnects the app on Twitch: every login of theirs ends.
  const revoke = await page.request.post(`${SIM}/authorizations/revoke`, {
    data: { client_id: await clientId(page.request), user: streamer.login },
  });
  expect(revoke.status(), await revoke.text()).toBe(204);
  await reloadUntil(page, async () => {
    expect((await page.request.get("/api/vip")).status()).toBe(401);
    await expect(page.getByRole("link", { name: "Log in with Twitch" }).first()).toBeVisible({ timeout: 1_000 });
  });
  await screenshots(page, testInfo, "dashboard-revoked");

  // Logging in again (Twitch asks for consent anew) restores the channel.
  await logInAs(page, streamer.login, javaScriptEnabled);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(streamer.display_name);
  await expect(banner).toHaveCount(0);
  await openAccount(page, javaScriptEnabled);
  await expect(page.locator("#reauth-prompt")).toHaveCount(0);
  await expect(page.locator("#reauth-state")).toHaveText("accepted by Twitch");
});

test("a grant while the channel needs re-authorisation is refused as needs_reauth", async ({ page, javaScriptEnabled }) => {
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  // A script's API token outlives the logins that revocation ends.
  await page.goto("/settings");
  if (javaScriptEnabled) await hydrated(page);
  await page.locator("#api-token-name").fill("Deck");
  await page.getByRole("button", { name: "Create token" }).click();
  const field = page.locator("#new-api-token-value");
  await expect(field).toHaveValue(/^vipm_[0-9a-f]{64}$/);
  const bearer = { Authorization: `Bearer ${await field.inputValue()}` };

  await page.request.post(`${SIM}/authorizations/revoke`, {
    data: { client_id: await clientId(page.request), user: streamer.login },
  });
  const grant = { user_login: viewer.login, duration_secs: 60 };
  await expect(async () => {
    const res = await page.request.post("/api/vip", { headers: bearer, data: grant });
    expect(res.status(), await res.text()).toBe(409);
    expect((await res.json()).error).toBe("needs_reauth");
  }).toPass({ timeout: 20_000 });
});
