import { APIRequestContext, expect, Page, TestInfo } from "@playwright/test";

/** Saves a screenshot of the page at phone (390 px) and desktop (1280 px) widths under test-results/screenshots. */
export async function screenshots(page: Page, testInfo: TestInfo, name: string) {
  for (const [label, width, height] of [
    ["phone", 390, 844],
    ["desktop", 1280, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({
      path: `test-results/screenshots/${testInfo.project.name}-${name}-${label}.png`,
      fullPage: true,
    });
  }
}

/** Waits until the WASM bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
}

/** Collects console errors and failed requests so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}

// ----- The simulated Twitch (demo mode) -----------------------------------------------------------
// The server carries a simulated Twitch under /twitch-sim; its control API (/twitch-sim/sim/...)
// plays the Twitch side: users, redemptions, VIP changes. Its OAuth page approves a login as the
// user named by its `login` hint, else as the demo streamer.

/** The simulator's control API. */
export const SIM = "/twitch-sim/sim";

/** Generous timeout for things that arrive live (SSE, timers) on a loaded machine. */
export const LIVE = { timeout: 20_000 };

/** A Twitch login no earlier run or test used: `prefix` (at most 10 characters) and a unique tail. */
export function uniqueLogin(prefix: string): string {
  const tail = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  return `${prefix}_${tail}`.toLowerCase().slice(0, 25);
}

export interface SimUser {
  id: string;
  login: string;
  display_name: string;
}

/** Creates a user on the simulated Twitch; a `broadcasterType` ("affiliate") makes a streamer. */
export async function simUser(request: APIRequestContext, login: string, broadcasterType = ""): Promise<SimUser> {
  const res = await request.post(`${SIM}/users`, { data: { login, broadcaster_type: broadcasterType } });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** A new affiliate streamer (channel points, VIP slots) with a unique login. */
export async function newStreamer(request: APIRequestContext, prefix = "e2e_str"): Promise<SimUser> {
  return simUser(request, uniqueLogin(prefix), "affiliate");
}

/** A new viewer with a unique login. */
export async function newViewer(request: APIRequestContext, prefix = "e2e_vwr"): Promise<SimUser> {
  return simUser(request, uniqueLogin(prefix));
}

/** The Twitch consent URL `/api/auth/login` sends to, made to approve as `login` (without `withoutScope`). */
function approvingAs(location: string, login: string, withoutScope?: string): string {
  const url = new URL(location);
  url.searchParams.set("login", login);
  if (withoutScope) {
    const scopes = (url.searchParams.get("scope") ?? "").split(" ").filter((s) => s && s !== withoutScope);
    url.searchParams.set("scope", scopes.join(" "));
  }
  return url.toString();
}

/**
 * From now on, every "Log in with Twitch" / "Re-authorise" link the page follows approves as
 * `login` on the simulated Twitch (optionally granting every asked scope but `withoutScope`).
 * Only the first request of a redirect chain can be intercepted, so this rewrites the redirect of
 * `/api/auth/login` itself; the app's own redirect back to it (the grant rules' scope upgrade) is
 * not covered.
 */
export async function approveLoginsAs(page: Page, login: string, options: { withoutScope?: string } = {}) {
  await page.unroute("**/api/auth/login*");
  await page.route("**/api/auth/login*", async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers()["location"];
    if (!location) return route.fulfill({ response });
    await route.fulfill({
      response,
      headers: { ...response.headers(), location: approvingAs(location, login, options.withoutScope) },
    });
  });
}

/** Logs the page in through the simulated Twitch as `login`, with the start page's button. */
export async function logInAs(page: Page, login: string, javaScriptEnabled: boolean, options: { withoutScope?: string } = {}) {
  await approveLoginsAs(page, login, options);
  await logIn(page, javaScriptEnabled);
}

/** Logs in with the home page's button; the simulated Twitch approves the demo streamer unless told otherwise. */
export async function logIn(page: Page, javaScriptEnabled: boolean) {
  await page.goto("/");
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole("link", { name: "Log in with Twitch" }).first().click();
  await expect(page).toHaveURL(/\/dashboard$/);
  if (javaScriptEnabled) await hydrated(page);
}

/** Revokes every VIP the app granted in the signed-in channel: leaves it as other tests expect. */
export async function revokeAppVips(request: APIRequestContext) {
  const res = await request.get("/api/vip");
  if (!res.ok()) return;
  const { vips } = await res.json();
  for (const vip of vips.filter((v: { source: string }) => v.source !== "external")) {
    await request.delete(`/api/vip/${vip.user_id}`);
  }
}

/** Logs an API request context (its own cookies, no browser) in through the simulated Twitch as `login`. */
export async function apiLogInAs(request: APIRequestContext, login: string) {
  const start = await request.get("/api/auth/login", { maxRedirects: 0 });
  const location = start.headers()["location"];
  expect(location, `GET /api/auth/login answered ${start.status()}`).toBeTruthy();
  const done = await request.get(approvingAs(location, login));
  expect(done.url()).toMatch(/\/dashboard$/);
}

/** Waits until the app has subscribed to the channel's redemptions, so a redemption reaches it live. */
export async function redemptionsDelivered(request: APIRequestContext, broadcasterId: string) {
  await expect
    .poll(
      async () => {
        const { data } = await (await request.get(`${SIM}/subscriptions`)).json();
        return data.some(
          (s: { type: string; status: string; condition: { broadcaster_user_id?: string } }) =>
            s.type === "channel.channel_points_custom_reward_redemption.add" &&
            s.status === "enabled" &&
            s.condition.broadcaster_user_id === broadcasterId,
        );
      },
      { timeout: 20_000, message: "the app subscribes to the channel's redemptions" },
    )
    .toBe(true);
}

/** A viewer redeems a reward on the simulated Twitch. */
export async function redeem(request: APIRequestContext, broadcaster: string, viewer: string, rewardId: string) {
  const res = await request.post(`${SIM}/channels/${broadcaster}/redeem`, { data: { user: viewer, reward_id: rewardId } });
  expect(res.status(), await res.text()).toBe(200);
}

/** The logins of the channel's VIPs as the simulated Twitch has them. */
export async function twitchVips(request: APIRequestContext, broadcaster: string): Promise<string[]> {
  const res = await request.get(`${SIM}/channels/${broadcaster}`);
  expect(res.status()).toBe(200);
  return (await res.json()).vips.map((v: { login: string }) => v.login);
}

/**
 * Reloads until `check` passes: how a page without JavaScript sees a change made elsewhere. Give
 * the assertions in `check` short timeouts (about a second): each try reloads anew.
 */
export async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 20_000) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout });
}
