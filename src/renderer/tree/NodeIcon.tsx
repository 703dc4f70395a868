import type { NxNode } from '../../nexus/model/types.ts';
import styles from './TreeView.module.css';

/** Small monochrome glyphs: group (folder), dataset (grid), datatype, dangling link. */
export function NodeIcon({ node }: { node: NxNode }) {
  if (node.dangling) {
    return (
      <svg className={styles.icon} viewBox="0 0 16 16" aria-hidden="true">
        <path
          d="M6 10 4.5 11.5a2 2 0 0 1-3-3L3 7M10 6l1.5-1.5a2 2 0 0 1 3 3L13 9M6 3V1M10 15v-2M3 6H1M15 10h-2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.4"
          strokeLinecap="round"
        />
      </svg>
    );
  }
  if (node.kind === 'group') {
    return (
      <svg className={styles.icon} viewBox="0 0 16 16" aria-hidden="true">
        <path
          d="M1.5 3.5h4l1.5 1.5h7.5v8h-13z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.3"
          strokeLinejoin="round"
        />
      </svg>
    );
  }
  if (node.kind === 'dataset') {
    return (
      <svg className={styles.icon} viewBox="0 0 16 16" aria-hidden="true">
        <path
          d="M2 2.5h12v11H2zM2 6.2h12M2 9.8h12M6 2.5v11M10 2.5v11"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.1"
        />
      </svg>
    );
  }
  return (
    <svg className={styles.icon} viewBox="0 0 16 16" aria-hidden="true">
      <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
    </svg>
  );
}
