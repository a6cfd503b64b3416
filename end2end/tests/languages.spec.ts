import { expect, test } from "@playwright/test";
import { hydrated, logIn, screenshots, watchErrors } from "./helpers";

// The browser asks for German; the header's switcher picks French, which is remembered.
test.use({ locale: "de-DE" });

test("pages follow Accept-Language, and the switcher's choice wins and is remembered", async ({ page, javaScriptEnabled }, testInfo) => {
  const errors = watchErrors(page);
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("link", { name: "Mit Twitch anmelden" }).first()).toBeVisible();
  if (javaScriptEnabled) await hydrated(page);

  // The switcher is a list of plain links: it works the same without JavaScript.
  await page.locator("#language-switcher summary").click();
  await page.locator('#language-switcher a[data-lang="fr"]').click();
  await expect(page).toHaveURL(/\?lang=fr$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.getByRole("link", { name: "Se connecter avec Twitch" }).first()).toBeVisible();
  await screenshots(page, testInfo, "home-fr");

  // Without the query the cookie keeps French, over the browser's German.
  await page.goto("/no/such/page");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  expect(errors.filter((e) => !e.includes("404"))).toEqual([]);
});

test.describe("hydrated", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "needs the WASM bundle");

  test("what an island renders in the browser speaks the language the server served", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.context().addCookies([{ name: "lang", value: "en", url: baseURL ?? "http://127.0.0.1:3000" }]);
    await logIn(page, true);
    await page.goto("/?lang=ja");
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    await page.evaluate(() => ((window as any).__sameDocument = true));
    // Written by the planner's WASM (no new document): Japanese, never the browser's German.
    await page.locator("#planner-amount").fill("90");
    await page.locator("#planner-unit").selectOption("minutes");
    await expect(page.locator("#planner-result")).toHaveText("VIP 1 h 30 min（5400 秒）");
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    // And back: the switcher's choice replaces the cookie.
    await page.goto("/dashboard?lang=en");
    await expect(page.getByRole("heading", { name: "Grant VIP" })).toBeVisible();
    expect(errors).toEqual([]);
  });
});
