/**
 * The user's consent to share corrections, remembered on this device for one collection server: asked once, changed
 * any time with the checkbox. Withdrawing it stops sending and erases what is still waiting on the device. A page
 * opened with another server (`?collect=<url>`) asks again, so that a link cannot send pictures elsewhere on the
 * strength of consent given for another server.
 */
const KEY = 'emolens-demo:share-consent';

/** Whether the user agreed before to send to `endpoint` (on this origin). */
export function storedConsent(endpoint: string): boolean {
  try {
    return localStorage.getItem(KEY) === endpoint;
  } catch {
    return false;
  }
}

/** Remembers the user's choice for `endpoint`. */
export function storeConsent(endpoint: string, consent: boolean): void {
  try {
    if (consent) localStorage.setItem(KEY, endpoint);
    else localStorage.removeItem(KEY);
  } catch {
    // Storage blocked (private mode, policy): the choice lasts for this page only.
  }
}
