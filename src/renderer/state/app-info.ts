/** The host's AppInfo (Electron or browser mode), asked once per bridge. */
import { useEffect, useState } from 'react';

import type { AppInfo, NxrBridge } from '../../shared/ipc.ts';
import { useBridge } from './store-context.tsx';

const cache = new WeakMap<NxrBridge, Promise<AppInfo>>();

export function appInfoOf(bridge: NxrBridge): Promise<AppInfo> {
  let p = cache.get(bridge);
  if (!p) {
    p = bridge.appInfo();
    cache.set(bridge, p);
    // a failed request is asked again next time
    p.catch(() => cache.delete(bridge));
  }
  return p;
}

/** AppInfo once known (null before). */
export function useAppInfo(): AppInfo | null {
  const bridge = useBridge();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    let live = true;
    appInfoOf(bridge).then(
      (i) => live && setInfo(i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [bridge]);
  return info;
}
