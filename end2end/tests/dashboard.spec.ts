import { expect, Locator, test } from "@playwright/test";
import {
  hydrated,
  LIVE,
  logInAs,
  newStreamer,
  newViewer,
  redeem,
  redemptionsDelivered,
  reloadUntil,
  screenshots,
  twitchVips,
  uniqueLogin,
  watchErrors,
} from "./helpers";

// The dashboard scenarios end to end, through the simulated Twitch. Each test logs in as a streamer
// of its own (created through the simulator's control API) with viewers of its own, so it neither
// depends on nor disturbs the demo streamer that other specs use.

const timeLeft = (row: Locator) => row.getByLabel("time left");

test("a redemption becomes a VIP with a running countdown; extend and revoke work; the activity log shows each step", async ({
  page,
  javaScriptEnabled,
}, testInfo) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(streamer.display_name);

  // The streamer creates the reward on the settings page.
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);
  if (javaScriptEnabled) await hydrated(page);
  const title = "VIP for an hour";
  const form = page.locator("#reward-create");
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Cost (points)").fill("100");
  await form.getByLabel("VIP time: amount").fill("1");
  await form.getByLabel("VIP time: unit").selectOption("hours");
  await page.getByRole("button", { name: "Create reward" }).click();
  await expect(page.locator(`#reward-list li[data-reward="${title}"]`)).toContainText("VIP for 1 h");
  const { rewards } = await (await page.request.get("/api/channel-points")).json();
  const reward = rewards.find((r: { title: string }) => r.title === title);
  expect(reward, "the reward is listed by the REST API").toBeTruthy();

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.locator("#no-vips")).toBeVisible();
  await redemptionsDelivered(page.request, streamer.id);
  if (javaScriptEnabled) await page.evaluate(() => ((window as any).__sameDocument = true));

  // A viewer redeems on Twitch: the VIP appears (live when hydrated; after a reload without JS).
  await redeem(page.request, streamer.login, viewer.login, reward.id);
  const row = page.locator(`#vip-list li[data-viewer="${viewer.login}"]`);
  if (javaScriptEnabled) {
    await expect(row).toBeVisible(LIVE);
    expect(await page.evaluate(() => (window as any).__sameDocument), "no reload").toBe(true);
  } else {
    await reloadUntil(page, () => expect(row).toBeVisible({ timeout: 1_000 }));
  }
  await expect(row).toContainText(viewer.display_name);
  await expect(row).toContainText(`channel points · by ${viewer.login} (redeemed)`);
  await expect(timeLeft(row)).toHaveText(/^(59:\d\d|1:00:00)$/);
  expect(await twitchVips(page.request, streamer.login)).toContain(viewer.login);

  // The countdown runs: the browser ticks it every second; without JS each render is newer.
  const first = (await timeLeft(row).textContent()) ?? "";
  if (javaScriptEnabled) {
    await expect(timeLeft(row)).not.toHaveText(first, LIVE);
  } else {
    await reloadUntil(page, () => expect(timeLeft(row)).not.toHaveText(first, { timeout: 1_000 }));
  }

  // Extend by an hour: about two hours left.
  await row.getByRole("button", { name: "+1 h" }).click();
  // The post lands back at the VIP list, not at the top of the page.
  await expect(page).toHaveURL(/\/dashboard#dashboard-vips$/);
  await expect(timeLeft(row)).toHaveText(/^(1:59:\d\d|2:00:00)$/, LIVE);
  await screenshots(page, testInfo, "dashboard-vips");

  // Revoke: the row goes, on the page and on Twitch.
  await page.locator(`#vip-list li[data-viewer="${viewer.login}"]`).getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveCount(0, LIVE);
  await expect(page.locator("#no-vips")).toBeVisible();
  expect(await twitchVips(page.request, streamer.login)).not.toContain(viewer.login);

  // The activity log shows each step for the viewer, newest first.
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await expect(page).toHaveURL(/\/activity$/);
  if (javaScriptEnabled) await hydrated(page);
  await page.getByLabel("Viewer").fill(viewer.login);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`viewer=${viewer.login}`));
  const entries = page.locator("#activity-list > li");
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toHaveAttribute("data-action", "revoke");
  await expect(entries.nth(1)).toHaveAttribute("data-action", "extend");
  await expect(entries.nth(2)).toHaveAttribute("data-action", "grant");
  for (const i of [0, 1, 2]) await expect(entries.nth(i)).toContainText(viewer.display_name);
  await screenshots(page, testInfo, "activity-vip-steps");
  expect(errors).toEqual([]);
});

test("a grant from the dashboard lands back at its result line, which says what it did or why not", async ({
  page,
  javaScriptEnabled,
}) => {
  const errors = watchErrors(page);
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  if (javaScriptEnabled) await hydrated(page);
  // On a phone the grant form is screens below the top of the page.
  await page.setViewportSize({ width: 390, height: 844 });
  const result = page.locator("#grant-result");

  await page.locator("#grant-login").fill(viewer.login);
  await page.getByRole("button", { name: "Grant VIP" }).click();
  await expect(page).toHaveURL(/\/dashboard#grant-result$/);
  await expect(result).toHaveText(`${viewer.display_name} is VIP for 1 h`);
  await expect(result).toBeInViewport();
  await expect(page.locator(`#vip-list li[data-viewer="${viewer.login}"]`)).toBeAttached();
  // Said once: the next load of the page does not repeat it.
  await page.goto("/dashboard");
  await expect(result).toHaveText(/^\s*$/);

  // A refusal lands there too, with Twitch's reason in the streamer's words.
  await page.locator("#grant-login").fill(uniqueLogin("nobody"));
  await page.getByRole("button", { name: "Grant VIP" }).click();
  await expect(page).toHaveURL(/\/dashboard\?.*__err=.*#grant-result$/);
  await expect(result).toHaveText("there is no Twitch user with this name");
  await expect(result).toBeInViewport();
  expect(errors).toEqual([]);
});

test("expiry removes the VIP from the dashboard and from Twitch, and the activity log says so", async ({
  page,
  javaScriptEnabled,
}, testInfo) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);
  if (javaScriptEnabled) await page.evaluate(() => ((window as any).__sameDocument = true));

  // A manual grant of a few seconds (the REST API takes seconds; the form's least is a minute).
  const res = await page.request.post("/api/vip", { data: { user_login: viewer.login, duration_secs: 12 } });
  expect(res.status(), await res.text()).toBe(201);
  const row = page.locator(`#vip-list li[data-viewer="${viewer.login}"]`);
  if (javaScriptEnabled) {
    await expect(row).toBeVisible(LIVE);
    // Time is up: the row goes without a reload.
    await expect(row).toHaveCount(0, { timeout: 45_000 });
    await expect(page.locator("#no-vips")).toBeVisible();
    expect(await page.evaluate(() => (window as any).__sameDocument), "no reload").toBe(true);
  } else {
    await page.reload();
    await expect(row).toBeVisible();
    await reloadUntil(page, () => expect(page.locator("#no-vips")).toBeVisible({ timeout: 1_000 }), 45_000);
  }
  await expect.poll(() => twitchVips(page.request, streamer.login), LIVE).not.toContain(viewer.login);

  await page.goto(`/activity?action=expire&viewer=${viewer.login}`);
  if (javaScriptEnabled) await hydrated(page);
  const entry = page.locator("#activity-list > li").first();
  await expect(entry).toHaveAttribute("data-action", "expire");
  await expect(entry).toContainText(viewer.display_name);
  await page.goto(`/activity?viewer=${viewer.login}`);
  await expect(page.locator("#activity-list > li")).toHaveCount(2);
  await expect(page.locator("#activity-list > li").nth(1)).toHaveAttribute("data-action", "grant");
  expect(errors).toEqual([]);
});

test("the public page shows each VIP with the time left", async ({ page, browser, baseURL, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  const streamer = await newStreamer(page.request);
  const viewer = await newViewer(page.request);
  await logInAs(page, streamer.login, javaScriptEnabled);

  // Off by default: a stranger gets a 404.
  const anonymous = await browser.newContext({ baseURL, javaScriptEnabled });
  const stranger = await anonymous.newPage();
  expect((await stranger.goto(`/c/${streamer.login}`))?.status()).toBe(404);

  const on = await page.request.put("/api/settings", { data: { public_page: true } });
  expect(on.status(), await on.text()).toBe(200);
  const grant = await page.request.post("/api/vip", { data: { user_login: viewer.login, duration_secs: 2 * 3600 } });
  expect(grant.status(), await grant.text()).toBe(201);

  // No login needed: the stranger sees who is VIP and how long each has left.
  const res = await stranger.goto(`/c/${streamer.login}`);
  expect(res?.status()).toBe(200);
  if (javaScriptEnabled) await hydrated(stranger);
  await expect(stranger.getByRole("heading", { level: 1 })).toHaveText(streamer.display_name);
  await expect(stranger.getByText("1 VIP, with the time they have left.")).toBeVisible();
  const row = stranger.locator("#public-vips li").filter({ hasText: viewer.display_name });
  await expect(row.getByLabel("time left")).toHaveText(/^(1:59:\d\d|2:00:00)$/);
  if (javaScriptEnabled) {
    const first = (await row.getByLabel("time left").textContent()) ?? "";
    await expect(row.getByLabel("time left")).not.toHaveText(first, LIVE);
  }
  // Names and time only: no actions on the public page.
  await expect(stranger.getByRole("button")).toHaveCount(0);
  await screenshots(stranger, testInfo, "public-channel-vips");
  await anonymous.close();

  await page.request.delete(`/api/vip/${viewer.id}`);
  expect(errors).toEqual([]);
});

test("a live refresh leaves the part of the page being typed in alone", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "live updates need JavaScript");
  const errors = watchErrors(page);
  const streamer = await newStreamer(page.request);
  const [first, second] = [await newViewer(page.request), await newViewer(page.request)];
  await logInAs(page, streamer.login, javaScriptEnabled);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  // Half typed into the slots panel's form when a VIP is granted elsewhere: the VIP list is
  // refreshed, the slots panel (where the keyboard is) is not, and what was typed stays.
  const field = page.getByLabel("Viewer to exclude");
  await field.fill("half_typed");
  const grant = await page.request.post("/api/vip", { data: { user_login: first.login, duration_secs: 3600 } });
  expect(grant.status(), await grant.text()).toBe(201);
  await expect(page.locator(`#vip-list li[data-viewer="${first.login}"]`)).toBeVisible(LIVE);
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("half_typed");

  // With the keyboard elsewhere, the next event refreshes the panel too.
  await page.locator("h1").click();
  const again = await page.request.post("/api/vip", { data: { user_login: second.login, duration_secs: 3600 } });
  expect(again.status(), await again.text()).toBe(201);
  await expect(page.locator(`#vip-list li[data-viewer="${second.login}"]`)).toBeVisible(LIVE);
  await expect(page.getByLabel("Viewer to exclude")).toHaveValue("", LIVE);
  expect(await page.evaluate(() => (window as any).__sameDocument), "no reload").toBe(true);

  for (const viewer of [first, second]) await page.request.delete(`/api/vip/${viewer.id}`);
  expect(errors).toEqual([]);
});
