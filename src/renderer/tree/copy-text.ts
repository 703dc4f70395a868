/**
 * Copy Path: text to the clipboard. The asynchronous Clipboard API first; where it is refused
 * (Electron refuses every permission request, some browsers outside secure contexts) the classic
 * copy of a selected, hidden text area, which a user gesture allows.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  const focused = document.activeElement as HTMLElement | null;
  area.select();
  // deprecated, but the only way left when the Clipboard API is refused
  const ok = document.execCommand('copy');
  area.remove();
  focused?.focus();
  if (!ok) throw new Error('the clipboard is not available here');
}
