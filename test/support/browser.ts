import chromiumBuild from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium for the console's browser tests and benchmark: the build that ships inside the
 * `@sparticuz/chromium` npm package (decompressed from the package on first use, nothing
 * downloaded), driven by playwright-core. `npm install` is all it needs.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumBuild.executablePath(),
    headless: true,
    // Not the package's own flags, which turn off web security and site isolation: the tests check
    // the console's CSP and markdown sanitising.
    args: ['--no-sandbox', '--lang=en-US'],
    // Under LANG=C this build reports the locale `en-US@posix`, which its own Intl then refuses.
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' },
  });
}
