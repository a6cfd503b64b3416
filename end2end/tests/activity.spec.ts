import { expect, test, type WebSocketRoute } from "@playwright/test";
import { hydrated, LIVE, logIn, revokeAppVips, screenshots, watchErrors } from "./helpers";

// Demo mode: the simulated Twitch approves the login as `demo_streamer`. The server (and its
// database) is shared by every test and both projects, so assertions allow for earlier runs: a
// second grant to the same viewer is logged as an extension.

// Leave the channel as other tests expect it: no VIPs granted by the app.
test.afterEach(async ({ page }) => revokeAppVips(page.request));

test("the activity log asks strangers to log in", async ({ page }) => {
  const res = await page.goto("/activity");
  expect(res?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Log in to see your activity" })).toBeVisible();
});

test("a VIP granted on the dashboard shows in the activity log", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  await logIn(page, javaScriptEnabled);

  await page.locator("#grant-login").fill("viewer_bob");
  await page.locator("#grant-amount").fill("1");
  await page.locator("#grant-unit").selectOption("hours");
  await page.getByRole("button", { name: "Grant VIP" }).click();
  await expect(page.locator('#vip-list li[data-viewer="viewer_bob"]')).toBeVisible();

  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await expect(page).toHaveURL(/\/activity$/);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Activity");
  const rows = page.locator("#activity-list > li");
  await expect(rows.first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", "/api/audit-log.csv");

  // Filter to the viewer with the GET form: works with and without JavaScript.
  await page.getByLabel("Viewer").fill("viewer_bob");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/viewer=viewer_bob/);
  const newest = page.locator("#activity-list > li").first();
  await expect(newest).toHaveAttribute("data-action", /^(grant|extend)$/);
  await expect(newest).toContainText("Viewer_bob");
  await expect(newest).toContainText("demo_streamer");
  await expect(newest).toContainText(/duration 1 h/);
  await expect(newest.locator("time")).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    "/api/audit-log.csv?viewer=viewer_bob",
  );
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/activity$/);
  await expect(page.getByLabel("Viewer")).toHaveValue("");
  await screenshots(page, testInfo, "activity");
  expect(errors).toEqual([]);
});

test("the activity log updates live", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "live updates need JavaScript");
  await logIn(page, javaScriptEnabled);
  await page.goto("/activity");
  await hydrated(page);
  await page.evaluate(() => ((window as any).__sameDocument = true));
  // Changed elsewhere (here: the REST API with the same login), shown without a reload.
  const res = await page.request.post("/api/vip", {
    data: { user_login: "viewer_alice", duration_secs: 600 },
  });
  expect([201, 202]).toContain(res.status());
  await expect(page.locator("#activity-list > li").first()).toContainText("Viewer_alice");
  expect(await page.evaluate(() => (window as any).__sameDocument), "no reload").toBe(true);
});

test("the live socket comes back after it drops, and shows what it missed", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "live updates need JavaScript");
  await logIn(page, javaScriptEnabled);
  // Every socket the activity page opens passes through here, so that the test can drop it as a
  // network or a restarting server would. The second waits for the change made while the page had
  // none.
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  let changed = () => {};
  const changeMade = new Promise<void>((resolve) => (changed = resolve));
  await page.routeWebSocket(/\/api\/ws$/, async (ws) => {
    if (sockets.length > 0) await changeMade;
    sockets.push({ page: ws, server: ws.connectToServer() });
  });
  await page.goto("/activity");
  await hydrated(page);
  await expect.poll(() => sockets.length, LIVE).toBe(1);
  await page.evaluate(() => ((window as any).__sameDocument = true));

  // The server goes away (1001); a VIP is granted before the page is back.
  await sockets[0].server.close();
  await sockets[0].page.close({ code: 1001, reason: "server shutting down" });
  const res = await page.request.post("/api/vip", { data: { user_login: "viewer_bob", duration_secs: 600 } });
  expect([201, 202]).toContain(res.status());
  changed();
  await expect.poll(() => sockets.length, LIVE).toBe(2);
  await expect(page.locator("#activity-list > li").first()).toContainText("Viewer_bob", LIVE);
  expect(await page.evaluate(() => (window as any).__sameDocument), "no reload").toBe(true);

  // Told it may no longer watch (1008): it stays away (a reconnect would come within 1.5 s).
  await sockets[1].server.close();
  await sockets[1].page.close({ code: 1008, reason: "no longer allowed to watch this channel" });
  await page.waitForTimeout(4_000);
  expect(sockets.length).toBe(2);
});

test("the public page of a channel", async ({ page }, testInfo) => {
  const unknown = await page.goto("/c/nobody_here");
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "This VIP list is not public" })).toBeVisible();

  // Off by default; the settings page may have switched it on in an earlier test.
  const res = await page.goto("/c/demo_streamer");
  if (res?.status() === 404) {
    await expect(page.getByRole("heading", { name: "This VIP list is not public" })).toBeVisible();
    await expect(page.getByText("demo_streamer has not made their VIP list public")).toBeVisible();
  } else {
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demo_streamer");
  }
  await screenshots(page, testInfo, "public-channel");
});
