/**
 * Emotion label vocabularies, mapped explicitly in one table.
 *
 * The SDK's canonical labels are the WIA Emotion AI standard's (`happiness`, `sadness`, …). Every model
 * and every REST format writes the same seven classes in its own words; {@link LABEL_TABLE} is the only
 * place where those words are matched up.
 */

/** The seven WIA face emotion labels, in the order the SDK reports ties. */
export const WIA_EMOTIONS = ['happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'] as const;

/** A WIA face emotion label. */
export type WiaEmotion = (typeof WIA_EMOTIONS)[number];

/** The vocabularies the SDK knows: models' own label words and the REST APIs' label words. */
export type Vocabulary =
  /** WIA Emotion AI standard (canonical). */
  | 'wia'
  /** FER2013 class names (also `@vladmandic/human`'s emotion model). */
  | 'fer2013'
  /** `@vladmandic/face-api` expression names. */
  | 'faceapi'
  /** Face Emotion Recognition API `POST /emotion` (six labels; it has no disgust). */
  | 'emotion-api'
  /** Webcam `/predict` API (upper case). */
  | 'webcam'
  /** SAMO-DL `/predict` API: the GoEmotions words (28 in all; these are the seven that match a WIA class). */
  | 'samo';

/**
 * One row per WIA label; one column per vocabulary. `null` means the vocabulary has no word for that
 * class (the `/emotion` API has no disgust).
 * Every adapter of this package takes its words from here.
 */
export const LABEL_TABLE: Readonly<Record<WiaEmotion, Readonly<Record<Vocabulary, string | null>>>> = {
  happiness: { wia: 'happiness', fer2013: 'happy', faceapi: 'happy', 'emotion-api': 'happy', webcam: 'HAPPY', samo: 'joy' },
  sadness: { wia: 'sadness', fer2013: 'sad', faceapi: 'sad', 'emotion-api': 'sad', webcam: 'SAD', samo: 'sadness' },
  anger: { wia: 'anger', fer2013: 'angry', faceapi: 'angry', 'emotion-api': 'angry', webcam: 'ANGRY', samo: 'anger' },
  fear: { wia: 'fear', fer2013: 'fear', faceapi: 'fearful', 'emotion-api': 'fear', webcam: 'FEAR', samo: 'fear' },
  disgust: { wia: 'disgust', fer2013: 'disgust', faceapi: 'disgusted', 'emotion-api': null, webcam: 'DISGUST', samo: 'disgust' },
  surprise: { wia: 'surprise', fer2013: 'surprise', faceapi: 'surprised', 'emotion-api': 'surprise', webcam: 'SURPRISE', samo: 'surprise' },
  neutral: { wia: 'neutral', fer2013: 'neutral', faceapi: 'neutral', 'emotion-api': 'neutral', webcam: 'NEUTRAL', samo: 'neutral' },
};

const reverse = new Map<Vocabulary, Map<string, WiaEmotion>>();
for (const wia of WIA_EMOTIONS) {
  for (const [vocabulary, word] of Object.entries(LABEL_TABLE[wia]) as [Vocabulary, string | null][]) {
    if (word === null) continue;
    let map = reverse.get(vocabulary);
    if (!map) reverse.set(vocabulary, (map = new Map()));
    map.set(word, wia);
  }
}

/**
 * The WIA label for a word of a vocabulary, e.g. `toWia('faceapi', 'fearful') === 'fear'`.
 * @throws Error when the word is not in that vocabulary (a model manifest with a typo fails loudly).
 */
export function toWia(vocabulary: Vocabulary, word: string): WiaEmotion {
  const wia = reverse.get(vocabulary)?.get(word);
  if (wia === undefined) throw new Error(`"${word}" is not a label of the ${vocabulary} vocabulary`);
  return wia;
}

/** The word a vocabulary uses for a WIA label, or `null` when it has none. */
export function fromWia(vocabulary: Vocabulary, label: WiaEmotion): string | null {
  return LABEL_TABLE[label][vocabulary];
}
