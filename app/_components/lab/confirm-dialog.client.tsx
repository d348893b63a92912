"use client";
// The lab's "are you sure?" panel, for the actions that delete what the learner made (Reset,
// Stop, Start the lesson clean). One shape so the three read and behave alike: a title, what
// goes, a red confirm and a Cancel that holds the focus (Enter alone never deletes anything).

export interface ConfirmTexts {
  title: string;
  body: string;
  confirm: string;
  cancel: string;
}

/** `name` prefixes the test ids and the aria ids: `${name}-dialog`, `${name}-confirm`, `${name}-cancel`. */
export function ConfirmDialog({ name, texts, onConfirm, onCancel }: { name: string; texts: ConfirmTexts; onConfirm(): void; onCancel(): void }) {
  return (
    <div className="lab-confirm" role="alertdialog" aria-labelledby={`${name}-title`} aria-describedby={`${name}-body`} data-testid={`${name}-dialog`}>
      <p id={`${name}-title`} className="lab-confirm-title">
        {texts.title}
      </p>
      <p id={`${name}-body`}>{texts.body}</p>
      <div className="lab-confirm-actions">
        <button type="button" className="button button-danger" data-testid={`${name}-confirm`} onClick={onConfirm}>
          {texts.confirm}
        </button>
        <button type="button" className="button" data-testid={`${name}-cancel`} onClick={onCancel} autoFocus>
          {texts.cancel}
        </button>
      </div>
    </div>
  );
}
