// The personalisation check every fixture app runs (copied into each app): 20 corrections of a user for whom a
// closed-eye face (AU43 high) means bored, trained in the package's own worker as the app's bundler built it (tfjs
// and its CommonJS dependencies included) or as the browser build ships it, then export → import into a second
// personaliser. The outcome is
// left in `window.personalised`.
export function runPersonaliseCheck(personaliseModule) {
  window.personalised = (async () => {
    const { createPersonaliser, FEATURE_LENGTH, FEATURE_INDEX } = personaliseModule;
    const base = { boredom: 1, confusion: 1, engagement: 2, frustration: 0.5 };
    const features = (closed) => {
      const f = new Float32Array(FEATURE_LENGTH);
      f[FEATURE_INDEX['au:AU43']] = closed;
      f[FEATURE_INDEX['au:present']] = 1;
      return f;
    };
    const personaliser = await createPersonaliser({ storeName: 'consumer-app', retrainEvery: 0 });
    for (let i = 0; i < 20; i++) {
      const closed = i % 2;
      await personaliser.addCorrection({ features: features(closed), predicted: base, corrected: { ...base, boredom: closed ? 3 : 0.5 } });
    }
    const info = await personaliser.train();
    const bored = personaliser.predict(features(1), base).boredom;
    const awake = personaliser.predict(features(0), base).boredom;
    const copy = await createPersonaliser({ storeName: 'consumer-app-copy', retrainEvery: 0 });
    await copy.import(JSON.parse(JSON.stringify(personaliser.export())));
    const same = copy.predict(features(1), base).boredom === bored;
    await personaliser.reset();
    await copy.reset();
    personaliser.dispose();
    copy.dispose();
    return { trained: info.corrections, backend: info.backend, bored, awake, same };
  })().catch((error) => ({ error: String(error), code: error?.code, stack: error?.stack }));
}
