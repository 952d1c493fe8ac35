import { byId, show } from './dom.js';

let pending: Promise<boolean> | undefined;

/**
 * Tells the person why an admin action needs a new sign-in and offers it. Resolves true once
 * `signInAgain` got a new token, false when they decline. Challenges that arrive while the prompt
 * is open share it.
 */
export function askToStepUp(explanation: string, signInAgain: () => Promise<boolean>): Promise<boolean> {
  pending ??= new Promise<boolean>((resolve) => {
    const prompt = byId('step-up');
    const confirm = byId<HTMLButtonElement>('step-up-confirm');
    const cancel = byId<HTMLButtonElement>('step-up-cancel');
    byId('step-up-reason').textContent = explanation;
    show(prompt, true);
    const done = (result: boolean) => {
      confirm.removeEventListener('click', onConfirm);
      cancel.removeEventListener('click', onCancel);
      confirm.disabled = false;
      show(prompt, false);
      pending = undefined;
      resolve(result);
    };
    // The sign-in starts in the click itself: a pop-up opened later would be blocked.
    const onConfirm = () => {
      confirm.disabled = true;
      void signInAgain().then(done, () => done(false));
    };
    const onCancel = () => done(false);
    confirm.addEventListener('click', onConfirm);
    cancel.addEventListener('click', onCancel);
  });
  return pending;
}
