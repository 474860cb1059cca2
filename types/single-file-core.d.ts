// single-file-core ships no types; we use one function of it.
declare module 'single-file-core/single-file.js' {
  export function getPageData(
    options: Record<string, unknown>,
    initOptions: {
      fetch: (url: string, init?: unknown) => Promise<unknown>;
      frameFetch?: (url: string, init?: unknown) => Promise<unknown>;
    },
    doc?: Document,
    win?: Window,
  ): Promise<{ content: string; title?: string }>;
  export const processors: Record<string, unknown>;
}
