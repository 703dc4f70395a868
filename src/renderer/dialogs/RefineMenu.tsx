/** The Refine menu in the window (NXRefine's items in its classic order). */
import { MenuButton } from '../shell/MenuButton.tsx';
import { useDialogStore } from '../state/store-context.tsx';
import { refineMenu } from './RefineDialogs.tsx';

export function RefineMenu({ disabled }: { disabled: boolean }) {
  const dialogs = useDialogStore();
  return (
    <MenuButton
      label="Refine"
      items={refineMenu().map((i) => ({ id: i.dialog, label: i.label }))}
      disabled={disabled}
      onChoose={(id) => dialogs.getState().openDialog(id)}
    />
  );
}
