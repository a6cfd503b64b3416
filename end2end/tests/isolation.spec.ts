import { APIRequestContext, expect, Page, test } from "@playwright/test";
import {
  apiLogInAs,
  hydrated,
  LIVE,
  logInAs,
  newStreamer,
  newViewer,
  SimUser,
  twitchVips,
  watchErrors,
} from "./helpers";

// Many streamers share one deployment; nobody can see or change a channel that is not theirs. Two
// streamers of the test's own: the owner sets the channel up through the REST API (logged in
// without a browser), the other streamer tries everything in the browser and with its login.

interface OwnedChannel {
  owner: SimUser;
  viewer: SimUser;
  rewardId: string;
  rewardTitle: string;
  expiresAt: string;
}

/** The owner's channel: one timed VIP and one reward, public page off. */
async function ownedChannel(ownerApi: APIRequestContext): Promise<OwnedChannel> {
  const owner = await newStreamer(ownerApi, "e2e_own");
  const viewer = await newViewer(ownerApi, "e2e_ovw");
  await apiLogInAs(ownerApi, owner.login);
  const grant = await ownerApi.post("/api/vip", { data: { user_login: viewer.login, duration_secs: 3600 } });
  expect(grant.status(), await grant.text()).toBe(201);
  const rewardTitle = `Owner reward ${owner.login.slice(-6)}`;
  const reward = await ownerApi.post("/api/channel-points", {
    data: { title: rewardTitle, cost: 300, duration_secs: 600 },
  });
  expect(reward.status(), await reward.text()).toBe(201);
  const vip = (await (await ownerApi.get("/api/vip")).json()).vips.find((v: { user_login: string }) => v.user_login === viewer.login);
  return { owner, viewer, rewardId: (await reward.json()).id, rewardTitle, expiresAt: vip.expires_at };
}

/** The owner's channel is as it was set up: same VIP and deadline, same reward, same settings. */
async function unchanged(ownerApi: APIRequestContext, channel: OwnedChannel) {
  const { vips } = await (await ownerApi.get("/api/vip")).json();
  expect(vips.map((v: { user_login: string; expires_at: string }) => [v.user_login, v.expires_at])).toEqual([
    [channel.viewer.login, channel.expiresAt],
  ]);
  const { rewards } = await (await ownerApi.get("/api/channel-points")).json();
  expect(rewards.map((r: { id: string; title: string; enabled: boolean }) => [r.id, r.title, r.enabled])).toEqual([
    [channel.rewardId, channel.rewardTitle, true],
  ]);
  const settings = await (await ownerApi.get("/api/settings")).json();
  expect(settings.public_page).toBe(false);
  expect(settings.moderators_can_manage).toBe(false);
  expect(await twitchVips(ownerApi, channel.owner.login)).toEqual([channel.viewer.login]);
}

async function open(page: Page, path: string, javaScriptEnabled: boolean) {
  const res = await page.goto(path);
  if (javaScriptEnabled) await hydrated(page);
  return res;
}

test("another streamer's pages show only their own channel", async ({ page, playwright, baseURL, javaScriptEnabled }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  const ownerApi = await playwright.request.newContext({ baseURL });
  const channel = await ownedChannel(ownerApi);
  const other = await newStreamer(page.request, "e2e_oth");
  await logInAs(page, other.login, javaScriptEnabled);
  const ownerId = channel.owner.id;

  // Naming the owner's channel in the address changes nothing: pages act on the login's channel.
  for (const path of ["/dashboard", `/dashboard?channel=${ownerId}`]) {
    expect((await open(page, path, javaScriptEnabled))?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(other.display_name);
    await expect(page.locator("#no-vips")).toBeVisible();
    await expect(page.locator("body")).not.toContainText(channel.viewer.display_name);
  }
  for (const path of ["/activity", `/activity?channel=${ownerId}&viewer=${channel.viewer.login}`]) {
    expect((await open(page, path, javaScriptEnabled))?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Activity");
    await expect(page.locator("main")).not.toContainText(channel.viewer.display_name);
    await expect(page.locator("main")).not.toContainText(channel.owner.login);
  }
  for (const path of ["/settings", `/settings?channel=${ownerId}`]) {
    expect((await open(page, path, javaScriptEnabled))?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Settings");
    await expect(page.locator("main")).not.toContainText(channel.rewardTitle);
  }
  for (const path of ["/analytics", `/analytics?channel=${ownerId}`]) {
    expect((await open(page, path, javaScriptEnabled))?.status()).toBe(200);
    await expect(page.locator("#active-now")).toHaveText("0");
    await expect(page.locator("main")).not.toContainText(channel.viewer.display_name);
  }
  expect(errors).toEqual([]);
  // (The account page shows the Twitch profile picture, which a closed network cannot load.)
  for (const path of ["/account", `/account?channel=${ownerId}`]) {
    expect((await open(page, path, javaScriptEnabled))?.status()).toBe(200);
    await expect(page.locator("#account-login")).toHaveText(`@${other.login}`);
  }
  // The owner's public page is off: nobody sees it, signed in or not.
  expect((await open(page, `/c/${channel.owner.login}`, javaScriptEnabled))?.status()).toBe(404);
  await expect(page.locator("main")).not.toContainText(channel.viewer.display_name);

  await unchanged(ownerApi, channel);
  await ownerApi.dispose();
});

test("another streamer cannot read or change the channel over REST or the live stream", async ({ page, playwright, baseURL }) => {
  const ownerApi = await playwright.request.newContext({ baseURL });
  const channel = await ownedChannel(ownerApi);
  const other = await newStreamer(page.request, "e2e_oth");
  await apiLogInAs(page.request, other.login);
  const q = `?channel=${channel.owner.id}`;
  const refused = [403, 404];

  // Every route, with the owner's channel named: refused, whatever the method.
  const calls: [string, Promise<import("@playwright/test").APIResponse>][] = [
    ["GET /api/vip", page.request.get(`/api/vip${q}`)],
    ["POST /api/vip", page.request.post(`/api/vip${q}`, { data: { user_login: other.login, duration_secs: 60 } })],
    ["POST /api/vip/extend", page.request.post(`/api/vip/extend${q}`, { data: { user_id: channel.viewer.id, duration_secs: 60 } })],
    ["DELETE /api/vip/{id}", page.request.delete(`/api/vip/${channel.viewer.id}${q}`)],
    ["GET /api/channel-points", page.request.get(`/api/channel-points${q}`)],
    ["POST /api/channel-points", page.request.post(`/api/channel-points${q}`, { data: { title: "Stolen", cost: 1, duration_secs: 60 } })],
    ["PATCH /api/channel-points/{id}", page.request.patch(`/api/channel-points/${channel.rewardId}${q}`, { data: { title: "Stolen", cost: 1, duration_secs: 60, enabled: false } })],
    ["DELETE /api/channel-points/{id}", page.request.delete(`/api/channel-points/${channel.rewardId}${q}`)],
    ["GET /api/settings", page.request.get(`/api/settings${q}`)],
    ["PUT /api/settings", page.request.put(`/api/settings${q}`, { data: { public_page: true, moderators_can_manage: true } })],
    ["GET /api/settings/scopes", page.request.get(`/api/settings/scopes${q}`)],
    ["GET /api/audit-log", page.request.get(`/api/audit-log${q}`)],
    ["GET /api/audit-log.csv", page.request.get(`/api/audit-log.csv${q}`)],
    ["GET /api/ws", page.request.get(`/api/ws${q}`, { timeout: 10_000 })],
  ];
  for (const [name, call] of calls) {
    const res = await call;
    expect(refused, `${name}${q} answered ${res.status()}: ${await res.text()}`).toContain(res.status());
    expect(await res.text()).not.toContain(channel.viewer.login);
  }

  // Without naming the channel, the owner's ids reach nothing: the calls act on the caller's own.
  expect((await page.request.delete(`/api/vip/${channel.viewer.id}`)).status()).toBe(404);
  expect((await page.request.post("/api/vip/extend", { data: { user_id: channel.viewer.id, duration_secs: 60 } })).status()).toBe(404);
  const patch = await page.request.patch(`/api/channel-points/${channel.rewardId}`, {
    data: { title: "Stolen", cost: 1, duration_secs: 60, enabled: false },
  });
  expect(refused, `PATCH answered ${patch.status()}`).toContain(patch.status());
  const del = await page.request.delete(`/api/channel-points/${channel.rewardId}`);
  expect(refused, `DELETE answered ${del.status()}`).toContain(del.status());
  const own = await (await page.request.get("/api/audit-log")).json();
  expect(JSON.stringify(own)).not.toContain(channel.viewer.login);

  await unchanged(ownerApi, channel);
  await ownerApi.dispose();
});

test("a tampered dashboard form cannot revoke another channel's VIP", async ({ page, playwright, baseURL, javaScriptEnabled }) => {
  const ownerApi = await playwright.request.newContext({ baseURL });
  const channel = await ownedChannel(ownerApi);
  const other = await newStreamer(page.request, "e2e_oth");
  const ownViewer = await newViewer(page.request);
  await logInAs(page, other.login, javaScriptEnabled);
  const grant = await page.request.post("/api/vip", { data: { user_login: ownViewer.login, duration_secs: 3600 } });
  expect(grant.status()).toBe(201);
  await open(page, "/dashboard", javaScriptEnabled);

  // The revoke form of the streamer's own VIP, pointed at the owner's VIP.
  const row = page.locator(`#vip-list li[data-viewer="${ownViewer.login}"]`);
  await row.locator('input[name="viewer_id"]').last().evaluate((input, id) => ((input as HTMLInputElement).value = id), channel.viewer.id);
  await row.getByRole("button", { name: "Revoke" }).click();
  if (javaScriptEnabled) {
    await expect(page.getByRole("alert").filter({ hasText: "this viewer has no VIP time from the app" })).toBeVisible(LIVE);
  }
  // The owner's VIP is untouched; so is the streamer's own.
  await unchanged(ownerApi, channel);
  await open(page, "/dashboard", javaScriptEnabled);
  await expect(row).toBeVisible();
  await page.request.delete(`/api/vip/${ownViewer.id}`);
  await ownerApi.dispose();
});

test("another streamer's live stream carries only their own channel's events", async ({ page, playwright, baseURL, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "reads the live stream with the browser's EventSource");
  const ownerApi = await playwright.request.newContext({ baseURL });
  const channel = await ownedChannel(ownerApi);
  const other = await newStreamer(page.request, "e2e_oth");
  const ownViewer = await newViewer(page.request);
  const ownerViewer2 = await newViewer(page.request, "e2e_ovw");
  await logInAs(page, other.login, javaScriptEnabled);

  // Listen to the signed-in streamer's stream, and try to listen to the owner's.
  await page.evaluate((ownerId) => {
    const w = window as any;
    w.__events = [];
    w.__otherError = false;
    const own = new EventSource("/api/ws");
    for (const kind of ["ready", "granted", "extended", "revoked", "expired"]) {
      own.addEventListener(kind, (e) => w.__events.push(`${kind} ${(e as MessageEvent).data}`));
    }
    const theirs = new EventSource(`/api/ws?channel=${ownerId}`);
    theirs.onerror = () => {
      w.__otherError = theirs.readyState !== EventSource.OPEN;
      theirs.close();
    };
    theirs.onmessage = (e) => w.__events.push(`theirs ${e.data}`);
  }, channel.owner.id);
  await expect.poll(() => page.evaluate(() => (window as any).__events.some((e: string) => e.startsWith("ready"))), LIVE).toBe(true);
  await expect.poll(() => page.evaluate(() => (window as any).__otherError), LIVE).toBe(true);

  // The owner grants, then the streamer does: only the streamer's own grant arrives.
  expect((await ownerApi.post("/api/vip", { data: { user_login: ownerViewer2.login, duration_secs: 3600 } })).status()).toBe(201);
  expect((await page.request.post("/api/vip", { data: { user_login: ownViewer.login, duration_secs: 3600 } })).status()).toBe(201);
  await expect
    .poll(() => page.evaluate(() => (window as any).__events.filter((e: string) => e.startsWith("granted")).length), LIVE)
    .toBe(1);
  const events: string[] = await page.evaluate(() => (window as any).__events);
  expect(events.join("\n")).toContain(ownViewer.login);
  expect(events.join("\n")).not.toContain(ownerViewer2.login);
  expect(events.join("\n")).not.toContain(channel.viewer.login);
  expect(events.filter((e) => e.startsWith("theirs"))).toEqual([]);

  await page.request.delete(`/api/vip/${ownViewer.id}`);
  await ownerApi.dispose();
});
