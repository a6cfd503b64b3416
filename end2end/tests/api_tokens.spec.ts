import { expect, test } from "@playwright/test";
import { hydrated, watchErrors } from "./helpers";

// Demo mode, one server and database for both projects: each project names its token after
// itself and revokes it again, so neither sees the other's.

test("an API token is shown once, works on the REST API, and stops working once revoked", async ({
  page,
  request,
  javaScriptEnabled,
}) => {
  const errors = watchErrors(page);
  await page.goto("/");
  if (javaScriptEnabled) await hydrated(page);
  await page.getByRole("link", { name: "Log in with Twitch" }).first().click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/settings");
  if (javaScriptEnabled) await hydrated(page);

  const name = `Deck (${javaScriptEnabled ? "hydrated" : "ssr"})`;
  await page.locator("#api-token-name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  // The post lands back at the tokens, where the new one is shown once.
  await expect(page).toHaveURL(/\/settings#api-tokens-title$/);
  const field = page.locator("#new-api-token-value");
  await expect(field).toHaveValue(/^vipm_[0-9a-f]{64}$/);
  await expect(field).toBeInViewport();
  const token = await field.inputValue();
  const bearer = { Authorization: `Bearer ${token}` };

  // A script holding only the token (no login cookie) uses the REST API.
  expect((await request.get("/api/vip", { headers: bearer })).status()).toBe(200);

  // Shown once: after a reload the list names it by prefix only.
  await page.reload();
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.locator("#new-api-token-value")).toHaveCount(0);
  const row = page.locator(`#api-token-list li[data-api-token="${token.slice(0, 12)}"]`);
  await expect(row).toContainText(name);
  await expect(row).toContainText("last used");
  expect(await page.content()).not.toContain(token.slice(12));

  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.locator(`[data-api-token="${token.slice(0, 12)}"]`)).toHaveCount(0);
  expect((await request.get("/api/vip", { headers: bearer })).status()).toBe(401);
  expect(errors).toEqual([]);
});
