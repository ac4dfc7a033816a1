/**
 * The user's consent to share corrections, remembered on this device: asked once, changed any time with the checkbox.
 * Withdrawing it stops sending and erases what is still waiting on the device.
 */
const KEY = 'emolens-demo:share-consent';

/** Whether the user agreed before (on this origin). */
export function storedConsent(): boolean {
  try {
    return localStorage.getItem(KEY) === 'yes';
  } catch {
    return false;
  }
}

/** Remembers the user's choice. */
export function storeConsent(consent: boolean): void {
  try {
    if (consent) localStorage.setItem(KEY, 'yes');
    else localStorage.removeItem(KEY);
  } catch {
    // Storage blocked (private mode, policy): the choice lasts for this page only.
  }
}
