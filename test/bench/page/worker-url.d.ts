/** Vite's `?worker&url` imports: the URL of the built worker chunk. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
