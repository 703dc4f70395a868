/**
 * The tree's context menu (WAI-ARIA menu): opened by a right-click on a row, or with the ContextMenu
 * key / Shift+F10 on the selected row. Focus goes to the first item; Up/Down (wrapping), Home/End
 * and a letter move; Enter/Space run the item; Escape or Tab close it and give focus back to the
 * row. Disabled items stay focusable (aria-disabled) and say why in their tooltip.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

import type { TreeMenuAction, TreeMenuItem } from './context-menu-items.ts';
import styles from './TreeView.module.css';

export interface TreeContextMenuProps {
  /** Where to open, in viewport pixels (moved in when it would leave the window). */
  x: number;
  y: number;
  /** What the menu is for, e.g. the node's name (its accessible name). */
  label: string;
  items: TreeMenuItem[];
  onRun: (action: TreeMenuAction) => void;
  /** `refocus`: give focus back to the tree row (not when the user clicked elsewhere). */
  onClose: (refocus: boolean) => void;
}

export function TreeContextMenu({ x, y, label, items, onRun, onClose }: TreeContextMenuProps) {
  const menu = useRef<HTMLUListElement>(null);
  const [pos, setPos] = useState<[number, number]>([x, y]);

  useLayoutEffect(() => {
    const el = menu.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const left = Math.max(4, Math.min(x, window.innerWidth - r.width - 4));
    const top = Math.max(4, y + r.height > window.innerHeight - 4 ? y - r.height : y);
    setPos([left, top]);
    el.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    const outside = (e: MouseEvent): void => {
      if (!el.contains(e.target as Node)) onClose(false);
    };
    const away = (): void => onClose(false);
    window.addEventListener('mousedown', outside, true);
    window.addEventListener('blur', away);
    window.addEventListener('resize', away);
    return () => {
      window.removeEventListener('mousedown', outside, true);
      window.removeEventListener('blur', away);
      window.removeEventListener('resize', away);
    };
  }, [x, y, onClose]);

  const run = (item: TreeMenuItem): void => {
    if (item.disabled !== null) return;
    onClose(true);
    onRun(item.action);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const all = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? []);
    const i = all.indexOf(document.activeElement as HTMLElement);
    const focus = (j: number): void => all[(j + all.length) % all.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        focus(i + 1);
        break;
      case 'ArrowUp':
        focus(i - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(all.length - 1);
        break;
      case 'Enter':
      case ' ': {
        const item = items[i];
        if (item) run(item);
        break;
      }
      case 'Escape':
      case 'Tab':
        onClose(true);
        break;
      default: {
        // a letter: the next item starting with it
        if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
        const k = e.key.toLowerCase();
        for (let n = 1; n <= items.length; n++) {
          const j = (i + n) % items.length;
          if (items[j]?.label.toLowerCase().startsWith(k)) {
            focus(j);
            break;
          }
        }
      }
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <ul
      ref={menu}
      role="menu"
      aria-label={`Actions for ${label}`}
      className={styles.menu}
      style={{ left: pos[0], top: pos[1] }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item, i) => (
        <li
          key={item.action}
          role="menuitem"
          tabIndex={-1}
          aria-disabled={item.disabled !== null ? true : undefined}
          title={item.disabled ?? undefined}
          className={`${styles.menuItem} ${i > 0 && items[i - 1]!.group !== item.group ? styles.menuGroup : ''}`}
          data-action={item.action}
          onClick={() => run(item)}
          onMouseEnter={(e) => e.currentTarget.focus()}
        >
          {item.label}
        </li>
      ))}
    </ul>
  );
}
