// The check every fixture app runs (copied into each app): start a detector with the SDK's defaults, analyse the
// photo named in the page's `?photo=` parameter, and leave the outcome in `window.result` for the test to read.
export function runCheck(emolens) {
  window.result = (async () => {
    const steps = [];
    try {
      const detector = await emolens.createDetector({ onProgress: (e) => steps.push(e.type === 'compile' ? `compile ${e.model}` : e.type) });
      const photo = new URLSearchParams(location.search).get('photo');
      const result = await detector.detect(await (await fetch(photo)).blob());
      detector.dispose();
      return { ok: true, faces: result.faces.length, label: result.faces[0]?.emotions.primary.label, threads: detector.threads, isolated: crossOriginIsolated, steps };
    } catch (error) {
      return { ok: false, error: String(error), code: error?.code, details: error?.details, steps };
    }
  })();
}
