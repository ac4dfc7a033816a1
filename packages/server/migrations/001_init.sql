-- EmoLens collection server, schema version 1: the annotations and the idempotency records.
-- Written once for PostgreSQL and PGlite; the runner (src/storage/migrate.ts) applies it in one transaction and
-- splits it on semicolons that end a line, so a statement never ends a line inside a string.

-- One user-corrected annotation (the Wakee /insert body) and where its image is.
CREATE TABLE annotations (
  -- A UUIDv7 chosen by the server; the image key carries it, so the orphan sweep finds a blob's row by primary key.
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  image_key text NOT NULL,
  image_sha256 char(64) NOT NULL,
  image_type text NOT NULL CHECK (image_type IN ('image/jpeg', 'image/png', 'image/webp')),
  image_width integer NOT NULL CHECK (image_width > 0),
  image_height integer NOT NULL CHECK (image_height > 0),
  image_bytes integer NOT NULL CHECK (image_bytes > 0),
  -- The four DAiSEE learning states on their 0-3 scale: the model's score and the user's.
  predicted_boredom double precision NOT NULL CHECK (predicted_boredom BETWEEN 0 AND 3),
  predicted_confusion double precision NOT NULL CHECK (predicted_confusion BETWEEN 0 AND 3),
  predicted_engagement double precision NOT NULL CHECK (predicted_engagement BETWEEN 0 AND 3),
  predicted_frustration double precision NOT NULL CHECK (predicted_frustration BETWEEN 0 AND 3),
  user_boredom double precision NOT NULL CHECK (user_boredom BETWEEN 0 AND 3),
  user_confusion double precision NOT NULL CHECK (user_confusion BETWEEN 0 AND 3),
  user_engagement double precision NOT NULL CHECK (user_engagement BETWEEN 0 AND 3),
  user_frustration double precision NOT NULL CHECK (user_frustration BETWEEN 0 AND 3),
  -- EmoLens extensions: the seven WIA labels, the probabilities, the WIA face, the app's meta.
  predicted_emotion text CHECK (predicted_emotion IN ('happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral')),
  user_emotion text CHECK (user_emotion IN ('happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral')),
  predicted_probabilities jsonb,
  wia_face jsonb,
  meta jsonb
);

-- /load pages newest first.
CREATE INDEX annotations_created_at_idx ON annotations (created_at DESC, id DESC);

-- The first response to each Idempotency-Key, replayed to a retry with the same body.
CREATE TABLE idempotency_keys (
  -- Whose key it is: a hash of the API key that sent it ('' without API keys), so clients never share keys.
  scope text NOT NULL,
  key text NOT NULL,
  -- sha256 of the canonical request body: the same key with another body is a conflict.
  request_sha256 char(64) NOT NULL,
  annotation_id uuid NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
  response_status integer NOT NULL,
  response_body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
