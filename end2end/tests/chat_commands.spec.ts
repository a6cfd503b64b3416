import { expect, test } from "@playwright/test";
import { hydrated, logInAs, newStreamer, watchErrors } from "./helpers";

// Chat command settings on /settings: each project logs in as a streamer of its own (a new channel:
// chat commands on), sees the live chat status, changes the prefix, names and bots to ignore, and
// finds them after a reload.

test("chat command settings persist after a reload", async ({ page, request, javaScriptEnabled }) => {
  const errors = watchErrors(page);
  const streamer = await newStreamer(request, "e2e_chat");
  await logInAs(page, streamer.login, javaScriptEnabled);
  await page.goto("/settings");
  if (javaScriptEnabled) await hydrated(page);

  await expect(page.locator("#chat-commands-enabled")).toBeChecked();
  await expect(page.locator("#chat-check-names")).toHaveValue("vip checkvip");
  // The live chat status: this server has no chat bot connected, and reads and answers as the
  // streamer (who has not granted channel:bot).
  const status = page.locator("#chat-status");
  await expect(status).toContainText("Chat bot not connected (not_connected)");
  await expect(status).toContainText("You have not granted channel:bot");
  await expect(status).toContainText("Chat is read as you.");
  await expect(status).toContainText("Replies come from your account.");
  const prefix = javaScriptEnabled ? "?" : "$";
  await page.locator("#chat-prefix").fill(prefix);
  await page.locator("#chat-check-names").fill("viptime");
  await page.locator("#chat-ignored-bots").fill("nightbot");
  // A plain form post in both projects: the page it is redirected to says it was saved.
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#settings-result")).toHaveText("Settings saved");
  await page.waitForLoadState("load");

  await page.reload();
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.locator("#chat-prefix")).toHaveValue(prefix);
  await expect(page.locator("#chat-check-names")).toHaveValue("viptime");
  await expect(page.locator("#chat-ignored-bots")).toHaveValue("nightbot");
  // (A refused save below answers with an error status, which the browser logs.)
  expect(errors).toEqual([]);

  // A prefix with a space inside is refused next to the form, and nothing changes (spaces around
  // it are trimmed).
  await page.locator("#chat-prefix").fill("! !");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#settings-result")).toContainText("prefix");
  await page.reload();
  await expect(page.locator("#chat-prefix")).toHaveValue(prefix);
});
