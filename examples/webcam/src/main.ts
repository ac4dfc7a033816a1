/**
 * EmoLens webcam demo. Live: pick a camera, Start, and each face gets a box, bars of its seven emotions and
 * valence/arousal, and a chart of its last 30 s, from `detector.stream()`; Stop ends the stream and turns the
 * camera off; the session exports as WIA video JSON or CSV. Or drop a video file to have it analysed with
 * `detector.analyzeVideo()`. Everything runs on this device; the models come from the app's own origin.
 *
 * This file only wires the parts together; each part is a module of its own.
 */
import { isEmoLensError, type Detector } from '@emolens/core';
import { facesUser, hasCameraApi } from './camera.ts';
import { describeCameraError, type CameraProblem } from './camera-errors.ts';
import { CameraPicker } from './camera-picker.ts';
import { CorrectionPanel } from './correction/correction-panel.ts';
import { $ } from './dom.ts';
import { download, fileStamp, sessionResult, toCsv } from './export.ts';
import { FaceHistory } from './history.ts';
import { LiveSession } from './live-session.ts';
import { LiveView } from './live-view.ts';
import { loadDetector } from './load-detector.ts';
import { SessionRecorder } from './recorder.ts';
import { VideoMode } from './video-mode.ts';

const status = $('#status');
const progress = $<HTMLProgressElement>('#progress');
const start = $<HTMLButtonElement>('#start');
const stop = $<HTMLButtonElement>('#stop');
const mirror = $<HTMLInputElement>('#mirror');
const stage = $('#stage');
const video = $<HTMLVideoElement>('#video');
const cameraNotice = $('#camera-error');
const frameError = $('#frame-error');
const exportJson = $<HTMLButtonElement>('#export-json');
const exportCsv = $<HTMLButtonElement>('#export-csv');

/** What the page hands to tests (the end-to-end test checks that Stop ends the camera's tracks). */
interface DemoHandle {
  detector: Detector;
  live: LiveSession;
  correction: CorrectionPanel;
  recorder: SessionRecorder;
  history: FaceHistory;
}
declare global {
  interface Window {
    __demo?: DemoHandle;
  }
}

document.body.dataset.state = 'loading';
// Until the video mode is ready, a file dropped on the page must not replace it (the browser would open the file).
const holdDrop = (event: DragEvent) => event.preventDefault();
window.addEventListener('dragover', holdDrop);
window.addEventListener('drop', holdDrop);
let detector: Detector;
try {
  detector = await loadDetector(progress, status);
} catch (error) {
  progress.hidden = true;
  status.textContent = `The models could not be loaded: ${isEmoLensError(error) ? `${error.code}: ${error.message}` : String(error)}`;
  document.body.dataset.state = 'error';
  throw error;
}
progress.hidden = true;
const ready = `Ready: ${detector.classifier} on ${detector.backend}. The analysis stays on this device.`;
status.textContent = ready;

const history = new FaceHistory();
const recorder = new SessionRecorder();
const view = new LiveView(
  {
    video,
    overlay: $<HTMLCanvasElement>('#overlay'),
    faces: $('#faces'),
    noFace: $('#no-face'),
    rate: $('#rate'),
    latency: $('#latency'),
    faceCount: $('#face-count'),
    results: $('#result-count'),
  },
  history,
  () => mirror.checked,
);
const picker = new CameraPicker($<HTMLSelectElement>('#camera'));
const correction = new CorrectionPanel(video);
void picker.refresh();

/** The session being recorded: its request id, start date (for file names) and, once stopped, its length. */
let session: { id: string; date: Date; durationMs?: number } = { id: '', date: new Date() };
let frameErrors = 0;

const live = new LiveSession(detector, video, {
  onFrame(frame) {
    if (frame.count === 1) {
      // A new session's first result: the previous session's record goes only now, so that a camera that fails to
      // start leaves it exportable.
      history.clear();
      recorder.clear();
      view.reset();
      session = { id: `live_${Math.random().toString(36).slice(2, 10)}`, date: new Date() };
      exportJson.disabled = exportCsv.disabled = false;
    }
    history.add(frame.t, frame.faces);
    recorder.add(frame.t, frame.faces, frame.processingMs);
    view.show(frame);
    correction.setFaces(frame.faces);
    document.body.dataset.frames = String(frame.count);
    document.body.dataset.faces = String(frame.faces.length);
  },
  onFrameError(error) {
    frameErrors++;
    frameError.hidden = false;
    frameError.textContent = `${frameErrors} frame${frameErrors === 1 ? '' : 's'} could not be analysed (last: ${error.code}).`;
  },
  onEnded(end) {
    stopped();
    status.textContent =
      end.reason === 'error' ? `The analysis stopped: ${end.error?.code ?? 'error'}. Press Start camera to try again.` : 'The camera stopped (unplugged, or its access was revoked). Press Start camera to try again.';
  },
});

function setState(state: 'ready' | 'starting' | 'running'): void {
  document.body.dataset.state = state;
  start.disabled = state !== 'ready';
  stop.disabled = state !== 'running';
  stage.classList.toggle('on', state === 'running');
}

function showCameraProblem(problem: CameraProblem | undefined): void {
  cameraNotice.hidden = !problem;
  if (problem) {
    const toFiles = Object.assign(document.createElement('a'), { href: '#video-heading', textContent: 'Analyse a video file instead' });
    cameraNotice.replaceChildren(Object.assign(document.createElement('strong'), { textContent: problem.title }), ` ${problem.advice} `, toFiles);
    document.body.dataset.cameraError = problem.name;
  } else {
    delete document.body.dataset.cameraError;
  }
}

/** The camera is open and the stream running. */
function running(media: MediaStream): void {
  // A selfie view is mirrored, as people expect of a mirror; a rear camera's is not.
  mirror.checked = facesUser(media);
  stage.classList.toggle('mirrored', mirror.checked);
  void picker.refresh(media.getVideoTracks()[0]?.getSettings().deviceId);
  status.textContent = `Running: ${detector.classifier} on ${detector.backend}. The analysis stays on this device.`;
  setState('running');
}

/** The camera is off (Stop, or it ended by itself). */
function stopped(): void {
  correction.setFaces([]);
  // Frozen now: a later Start that fails to open a camera must not change the length of the session kept for export.
  if (recorder.frames > 0) session.durationMs ??= Math.round(live.elapsedMs() * 100) / 100;
  view.stopped();
  setState('ready');
  status.textContent = recorder.frames > 0 ? 'Stopped: the camera is off. Export the session, or press Start camera for a new one.' : ready;
}

async function open(how: () => Promise<MediaStream>): Promise<void> {
  setState('starting');
  showCameraProblem(undefined);
  if (!hasCameraApi()) {
    showCameraProblem(describeCameraError({ name: 'insecure' }, { chosenDevice: false }));
    setState('ready');
    return;
  }
  try {
    running(await how());
  } catch (error) {
    showCameraProblem(describeCameraError(error, { chosenDevice: picker.deviceId !== '' }));
    stopped();
  }
}

start.addEventListener('click', () => {
  frameErrors = 0;
  frameError.hidden = true;
  void open(() => live.start(picker.deviceId));
});
stop.addEventListener('click', async () => {
  stop.disabled = true;
  await live.stop();
  stopped();
});
$<HTMLSelectElement>('#camera').addEventListener('change', () => {
  if (live.running) void open(() => live.switchTo(picker.deviceId));
});
// The stage takes the camera's shape, so that the overlay (the video's pixels, stretched to the stage) lies on it.
video.addEventListener('resize', () => {
  if (video.videoWidth > 0) stage.style.setProperty('--video-aspect', `${video.videoWidth} / ${video.videoHeight}`);
});
mirror.addEventListener('change', () => {
  stage.classList.toggle('mirrored', mirror.checked);
  view.redraw();
});

const exported = () =>
  sessionResult(recorder.timeline(), { requestId: session.id, durationMs: session.durationMs ?? Math.round(live.elapsedMs() * 100) / 100, processingMs: recorder.processingMs });
exportJson.addEventListener('click', () => download(`emolens-live-${fileStamp(session.date)}.json`, JSON.stringify(exported(), null, 2), 'application/json'));
exportCsv.addEventListener('click', () => download(`emolens-live-${fileStamp(session.date)}.csv`, toCsv({ timeline: recorder.timeline() }), 'text/csv'));

new VideoMode(detector, {
  drop: $('#drop'),
  file: $<HTMLInputElement>('#file'),
  sampleRate: $<HTMLSelectElement>('#sample-rate'),
  progress: $('#video-progress'),
  bar: $<HTMLProgressElement>('#video-bar'),
  status: $('#video-status'),
  detail: $('#video-detail'),
  cancel: $<HTMLButtonElement>('#video-cancel'),
  report: $('#video-report'),
  title: $('#video-title'),
  summary: $('#video-summary'),
  faces: $('#video-faces'),
  exportJson: $<HTMLButtonElement>('#video-export-json'),
  exportCsv: $<HTMLButtonElement>('#video-export-csv'),
});

window.removeEventListener('dragover', holdDrop);
window.removeEventListener('drop', holdDrop);
window.__demo = { detector, live, recorder, history, correction };
setState('ready');
