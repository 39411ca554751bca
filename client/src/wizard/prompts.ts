import * as vscode from 'vscode';
import { BACK, type Back, type StepPosition } from './flow';

/**
 * The wizard's prompts: a quick pick and an input box that show `step/total` in their title bar and a Back button from
 * the second step on (VS Code's multi-step input). They resolve with the answer, `BACK`, or undefined when dismissed.
 * `ignoreFocusOut`: clicking into an editor to copy a subject doesn't lose the answers so far.
 */

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

export interface PromptPlace {
  title: string;
  /** Omitted: no step counter and no Back button (a prompt outside a wizard, such as a retried password). */
  at?: StepPosition;
}

export function pickPrompt<T>(place: PromptPlace, items: PickItem<T>[], placeholder: string, active?: T): Promise<T | Back | undefined> {
  const qp = vscode.window.createQuickPick<PickItem<T>>();
  setPlace(qp, place);
  qp.placeholder = placeholder;
  qp.items = items;
  const current = active === undefined ? undefined : items.find((i) => i.value === active);
  if (current) qp.activeItems = [current];
  return settle(qp, (finish) => [
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (chosen) finish(chosen.value);
    }),
  ]);
}

export interface InputOptions {
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  /** A problem with the value (shown under the box; Enter is refused while there is one), or undefined. */
  validate?: (value: string) => string | undefined;
}

export function inputPrompt(place: PromptPlace, options: InputOptions): Promise<string | Back | undefined> {
  const box = vscode.window.createInputBox();
  setPlace(box, place);
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  if (options.placeholder) box.placeholder = options.placeholder;
  box.password = options.password === true;
  const validate = (): string | undefined => {
    const problem = options.validate?.(box.value);
    box.validationMessage = problem;
    return problem;
  };
  // As showInputBox's validateInput: the initial value is judged too, except an empty one (nothing typed yet).
  if (box.value !== '') validate();
  return settle(box, (finish) => [
    box.onDidChangeValue(() => void validate()),
    box.onDidAccept(() => {
      if (validate() === undefined) finish(box.value);
    }),
  ]);
}

/** What a quick pick and an input box share, buttons included. */
type StepInput = vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[]; readonly onDidTriggerButton: vscode.Event<vscode.QuickInputButton> };

function setPlace(input: StepInput, place: PromptPlace): void {
  input.title = place.title;
  input.ignoreFocusOut = true;
  if (place.at) {
    input.step = place.at.step;
    input.totalSteps = place.at.totalSteps;
  }
  if (place.at && place.at.step > 1) input.buttons = [vscode.QuickInputButtons.Back];
}

/** Shows the input and resolves once: with what `listen`'s handlers finish with, `BACK`, or undefined when hidden. */
function settle<T>(input: StepInput, listen: (finish: (value: T) => void) => vscode.Disposable[]): Promise<T | Back | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const disposables: vscode.Disposable[] = [];
    const finish = (value: T | Back | undefined): void => {
      if (done) return;
      done = true;
      for (const d of disposables) d.dispose();
      input.dispose();
      resolve(value);
    };
    disposables.push(
      ...listen(finish),
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      input.onDidHide(() => finish(undefined)),
    );
    input.show();
  });
}
