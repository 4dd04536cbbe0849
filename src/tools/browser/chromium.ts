/**
 * Headless Chromium for the kit's browser checks (the notebooks in Jupyter, the
 * slide decks): Debian's package, found at CHROMIUM_PATH and driven over the
 * DevTools protocol by playwright-core, which downloads no browser of its own.
 * Whoever launches it closes it (`browser.close()`), also on failure.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags checked on this kind of machine (root, no GPU, no network for the browser itself). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const missingChromiumMessage = (path = CHROMIUM_PATH): string =>
  `Chromium was not found at ${path}. Install it with "bash .ci/install-browser" ` +
  "(Debian's chromium package: sudo apt-get install -y chromium), or name another one with CHROMIUM_PATH=/path/to/chromium.";

/** Throws an error that says how to install Chromium when it is missing. */
export function checkChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(missingChromiumMessage());
}

/** Starts headless Chromium, or throws an error that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  checkChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
}
