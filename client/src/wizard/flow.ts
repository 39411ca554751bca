/**
 * A multi-step wizard as VS Code's own multi-step inputs behave: each step shows "step/total" and a Back button, Back
 * returns to the step answered before with its answer kept, and Escape cancels. Steps that don't apply to the answers
 * so far (the issuer of a root CA) are skipped both ways, and the total follows the answers.
 *
 * No `vscode` import here: the steps get their prompts from the caller, so the navigation is tested without an editor.
 */

/** A prompt's answer when the user pressed Back. */
export const BACK: unique symbol = Symbol('back');
export type Back = typeof BACK;

/** Where a step stands, for the prompt's title bar (VS Code shows `step/totalSteps`). */
export interface StepPosition {
  step: number;
  totalSteps: number;
}

export interface WizardStep<S> {
  /** Does the step apply, given the answers so far? Default: it does. */
  when?: (state: S) => boolean;
  /**
   * Asks, and records the answer in `state`: true when answered, `BACK` to return to the step before, undefined when
   * cancelled. A step asked again after Back finds its earlier answer in `state`, to offer as the default.
   */
  ask: (state: S, at: StepPosition) => Promise<true | Back | undefined>;
}

/** Runs the steps over `state`; true when every step that applies was answered, false when the user cancelled. */
export async function runWizard<S>(steps: readonly WizardStep<S>[], state: S): Promise<boolean> {
  const applies = (step: WizardStep<S>): boolean => step.when === undefined || step.when(state);
  /** The steps answered, in order: what Back walks back through. */
  const answered: number[] = [];
  let i = 0;
  while (i < steps.length) {
    const step = steps[i]!;
    if (!applies(step)) {
      i++;
      continue;
    }
    const remaining = steps.slice(i).filter(applies).length;
    const answer = await step.ask(state, { step: answered.length + 1, totalSteps: answered.length + remaining });
    if (answer === undefined) return false;
    if (answer === BACK) {
      // To the last answered step that still applies; on the first step Back has nowhere to go, and it is asked again
      // (its prompt shows no Back button anyway).
      while (answered.length > 0) {
        i = answered.pop()!;
        if (applies(steps[i]!)) break;
      }
      continue;
    }
    answered.push(i);
    i++;
  }
  return true;
}

/**
 * What a step asked again offers in its box: the user's own earlier answer, or, when they had kept the default it
 * offered then, the default the answers give now (DNS names that follow a subject changed by going back).
 */
export function offerAgain(answer: string | undefined, offeredThen: string | undefined, offeredNow: string): string {
  return answer !== undefined && answer !== offeredThen ? answer : offeredNow;
}
