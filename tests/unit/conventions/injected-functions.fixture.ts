/**
 * Source read (never run) by injected-functions.test.ts: the shapes of executeScript calls the search
 * must follow, so that test fails if the search stops seeing one of them.
 */
interface Scripting {
  executeScript(o: {
    target: { tabId: number };
    func: (...a: unknown[]) => unknown;
    args?: unknown[];
  }): Promise<unknown>;
}

export function direct(): number {
  return document.title.length;
}
export function viaWrapper(): string {
  return location.href;
}
export function viaEnv(): number {
  return window.innerHeight;
}

async function callInPage<A extends unknown[]>(scripting: Scripting, tabId: number, func: (...a: A) => unknown) {
  return scripting.executeScript({ target: { tabId }, func: func as (...a: unknown[]) => unknown });
}

export function makeEnv(scripting: Scripting) {
  return {
    inPage: (tabId: number, func: (...a: unknown[]) => unknown) => callInPage(scripting, tabId, func),
  };
}

export async function uses(scripting: Scripting): Promise<void> {
  await scripting.executeScript({ target: { tabId: 1 }, func: direct });
  await scripting.executeScript({ target: { tabId: 1 }, func: () => document.URL });
  await callInPage(scripting, 1, viaWrapper);
  await makeEnv(scripting).inPage(1, viaEnv);
}
