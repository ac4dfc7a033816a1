/**
 * Test-page module: a short WebM recorded in the page by `MediaRecorder` from a canvas showing one photo — a real
 * browser recording, as an app's own would be.
 */

/** Records `ms` of a canvas showing the photo at `photoUrl`, about 30 frames a second; the file as a Blob. */
export async function recordPhotoWebm(photoUrl: string, ms: number): Promise<Blob> {
  const photo = await createImageBitmap(await (await fetch(photoUrl)).blob());
  const canvas = Object.assign(document.createElement('canvas'), { width: photo.width, height: photo.height });
  const context = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  recorder.start();
  const until = performance.now() + ms;
  while (performance.now() < until) {
    context.drawImage(photo, 0, 0);
    await new Promise((resolve) => setTimeout(resolve, 33));
  }
  await new Promise((resolve) => {
    recorder.onstop = resolve;
    recorder.stop();
  });
  photo.close();
  return new Blob(chunks, { type: 'video/webm' });
}
