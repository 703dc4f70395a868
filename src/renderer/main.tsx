import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { getBridge } from './bridge/index.ts';
import { App } from './shell/App.tsx';
import './shell/global.css';
import { StoreProvider } from './state/store-context.tsx';
import { createTreeStore } from './state/tree-store.ts';

const bridge = getBridge();
const tree = createTreeStore(bridge);
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StoreProvider bridge={bridge} tree={tree}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
