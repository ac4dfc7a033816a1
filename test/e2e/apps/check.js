// The check every fixture app runs (copied into each app): start a detector with the SDK's defaults, analyse the
// photo named in the page's `?photo=` parameter, and leave the outcome in `window.result` for the test to read.
// `analyzeVideo` loads its modules with import() (the frame-array reader; the decoder with mediabunny): the photo as
// a one-frame array, and as a file that is no video, show that the app's build serves both chunks. The face mesh
// (MediaPipe, whose wasm loader the SDK imports from a runtime URL the bundler must leave alone) runs once.
// `options` are the app's own createDetector options (an app whose bundler emits no assets passes baseUrl).
export function runCheck(emolens, options = {}) {
  window.result = (async () => {
    const steps = [];
    try {
      const detector = await emolens.createDetector({ ...options, onProgress: (e) => steps.push(e.type === 'compile' ? `compile ${e.model}` : e.type) });
      const photo = new URLSearchParams(location.search).get('photo');
      const blob = await (await fetch(photo)).blob();
      const result = await detector.detect(blob);
      const mesh = (await detector.detect(blob, { returnLandmarks: true })).faces[0]?.landmarks?.length;
      const dataUrl = await new Promise((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.readAsDataURL(blob);
      });
      const frames = await detector.analyzeVideo([dataUrl]);
      const notAVideo = await detector.analyzeVideo(blob).then(() => 'analysed', (e) => e.details?.kind ?? String(e));
      detector.dispose();
      const video = { frames: frames.analyzed_frames, faces: frames.timeline[0]?.faces.length, notAVideo };
      return { ok: true, faces: result.faces.length, mesh, label: result.faces[0]?.emotions.primary.label, threads: detector.threads, isolated: crossOriginIsolated, video, steps };
    } catch (error) {
      return { ok: false, error: String(error), code: error?.code, details: error?.details, steps };
    }
  })();
}
