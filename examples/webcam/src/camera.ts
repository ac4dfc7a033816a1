/**
 * The camera itself: which ones there are, opening one, closing it. The demo opens the camera and so closes it:
 * the SDK's stream reads frames but never stops a track it did not open.
 */

/** A camera the user can pick. */
export interface CameraChoice {
  deviceId: string;
  /** The browser's name for it; empty before the page has been given camera access once. */
  label: string;
}

/** The size asked for: enough for faces a metre or two away, cheap to copy 30 times a second. */
const IDEAL = { width: { ideal: 640 }, height: { ideal: 480 } };

/** Whether this page can ask for a camera at all (an insecure origin has no `mediaDevices`). */
export function hasCameraApi(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** The video inputs. Before access is granted, browsers hide labels (and may list a single anonymous one). */
export async function listCameras(): Promise<CameraChoice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput' && d.deviceId !== '').map((d) => ({ deviceId: d.deviceId, label: d.label }));
}

/**
 * Opens camera `deviceId`, or the user-facing one when it is empty. Rejects with the browser's `DOMException`
 * (`NotAllowedError`, `NotFoundError`, …): see camera-errors.ts for what each means to the user.
 */
export function openCamera(deviceId: string): Promise<MediaStream> {
  const video = deviceId ? { ...IDEAL, deviceId: { exact: deviceId } } : { ...IDEAL, facingMode: 'user' };
  return navigator.mediaDevices.getUserMedia({ video, audio: false });
}

/** Stops every track of `stream`: the camera light goes off and the device is free for other apps. */
export function closeCamera(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

/** Whether the stream's camera faces the user (a selfie view is mirrored; a rear camera's is not). */
export function facesUser(stream: MediaStream): boolean {
  const facing = stream.getVideoTracks()[0]?.getSettings().facingMode;
  return facing !== 'environment';
}
