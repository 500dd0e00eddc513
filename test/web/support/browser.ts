import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (no browser downloads work on these machines; see
 * shared/reference/environment.md). Screenshots land in test-results/screenshots.
 */
export const chromiumPath = process.env.ROSTER_CHROMIUM ?? '/usr/bin/chromium';

export const screenshotDir = path.resolve(import.meta.dirname, '../../../test-results/screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves the page as `<name>.png`, the whole page unless told otherwise, so a reviewer sees what a user saw. */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    fullPage: options.fullPage ?? true,
  });
}
