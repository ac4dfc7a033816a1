/**
 * The camera `<select>`: "Default camera" first, then each camera by name. Names are only known once the user
 * has granted access, so the list is filled again after each start (and whenever a camera is plugged in or out).
 */
import { listCameras } from './camera.ts';

export class CameraPicker {
  constructor(private readonly select: HTMLSelectElement) {
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.refresh());
  }

  /** The chosen camera's id; empty for the default (user-facing) camera. */
  get deviceId(): string {
    return this.select.value;
  }

  /** Lists the cameras again, keeping the choice, or choosing `current` (the camera just opened) when given. */
  async refresh(current?: string): Promise<void> {
    const cameras = await listCameras().catch(() => []);
    const chosen = current ?? this.select.value;
    const options = [new Option('Default camera', '')];
    cameras.forEach((camera, i) => options.push(new Option(camera.label || `Camera ${i + 1}`, camera.deviceId)));
    this.select.replaceChildren(...options);
    this.select.value = options.some((o) => o.value === chosen) ? chosen : '';
  }
}
