// The uploader check every fixture app runs (copied into each app): queue one correction with consent, send it
// to the page's own `/insert` (the test answers it), and leave the outcome in `window.uploaded`.
export function runUploadCheck(uploaderModule) {
  window.uploaded = (async () => {
    const uploader = uploaderModule.createUploader({ endpoint: '/insert', consent: true, name: 'consumer-app' });
    const canvas = Object.assign(document.createElement('canvas'), { width: 800, height: 600 });
    canvas.getContext('2d').fillRect(100, 100, 200, 200);
    const scores = { boredom: 1, confusion: 0.5, engagement: 2, frustration: 0 };
    const item = await uploader.submit({ image: canvas, predicted: scores, corrected: { ...scores, engagement: 3 }, extensions: { user_emotion: 'neutral' } });
    const flushed = await uploader.flush();
    const state = uploader.state();
    await uploader.close();
    return { id: item.id, flushed: flushed.status, queued: state.queued.items, dead: state.dead.items };
  })().catch((error) => ({ error: String(error), code: error?.code }));
}
