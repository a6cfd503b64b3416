import { expect, Page, TestInfo } from "@playwright/test";

/** Saves a screenshot of the page at phone and desktop widths under test-results/screenshots. */
export async function screenshots(page: Page, testInfo: TestInfo, name: string) {
  for (const [label, width, height] of [
    ["phone", 360, 780],
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
