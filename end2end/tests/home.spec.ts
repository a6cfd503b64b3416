import { expect, test } from "@playwright/test";
import { hydrated, screenshots, watchErrors } from "./helpers";

test("the start page is complete HTML from the server", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expect(page).toHaveTitle(/VIP Manager/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sell VIP for channel points");
  await expect(page.locator("#server-version")).toHaveText(/^\d+\.\d+\.\d+/);
  await expect(page.locator("#planner-result")).toHaveText("VIP for 2 h (7200 seconds)");
  await screenshots(page, testInfo, "home");
  expect(errors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.skip(({ javaScriptEnabled }) => javaScriptEnabled, "checks the plain-HTML forms");

  test("the duration planner works as a form the server answers", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "1 day" }).click();
    await expect(page).toHaveURL(/preset=1d/);
    await expect(page.locator("#planner-result")).toHaveText("VIP for 1 d (86400 seconds)");
    await page.locator("#planner-amount").fill("90");
    await page.locator("#planner-unit").selectOption("minutes");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.locator("#planner-result")).toHaveText("VIP for 1 h 30 min (5400 seconds)");
    await expect(page.locator("#planner-amount")).toHaveValue("90");
  });
});

test("unknown pages answer 404 with a way back", async ({ page }, testInfo) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await screenshots(page, testInfo, "not-found");
});

test.describe("hydrated", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "needs the WASM bundle");

  test("clicks are handled in WASM and server functions round-trip, without navigation", async ({ page }) => {
    const errors = watchErrors(page);
    let navigations = 0;
    await page.goto("/");
    await hydrated(page);
    page.on("framenavigated", () => navigations++);
    await page.evaluate(() => ((window as any).__sameDocument = true));

    // Pure client-side state: only WASM can update this text.
    await page.getByRole("button", { name: "1 day" }).click();
    await expect(page.locator("#planner-result")).toHaveText("VIP for 1 d (86400 seconds)");
    await page.locator("#planner-amount").fill("90");
    await page.locator("#planner-unit").selectOption("minutes");
    await expect(page.locator("#planner-result")).toHaveText("VIP for 1 h 30 min (5400 seconds)");
    await page.locator("#planner-amount").fill("0");
    await expect(page.locator("#planner-result")).toHaveText("a VIP duration must be at least one second");

    // A server function round trip.
    const call = page.waitForResponse((r) => r.url().includes("/api/get_server_status") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Check again" }).click();
    const response = await call;
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    await expect(page.locator("#server-status")).toHaveAttribute("data-checks", "2");
    await expect(page.locator("#server-version")).toHaveText(body.version);

    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(navigations).toBe(0);
    expect(errors).toEqual([]);
  });
});
