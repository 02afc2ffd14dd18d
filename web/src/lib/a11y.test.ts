import { describe, expect, it } from 'vitest';
import { permissionAnnouncement, questionAnnouncement, tabKeyTarget, trapTarget } from './a11y';

describe('focus trap', () => {
  it('wraps Tab from the last element to the first, Shift+Tab from the first to the last', () => {
    expect(trapTarget(3, 2, false)).toBe(0);
    expect(trapTarget(3, 0, true)).toBe(2);
  });
  it('leaves moves inside the dialog to the browser', () => {
    expect(trapTarget(3, 0, false)).toBeNull();
    expect(trapTarget(3, 1, true)).toBeNull();
    expect(trapTarget(3, 1, false)).toBeNull();
  });
  it('brings a focus from outside back in, at the end Tab goes from', () => {
    expect(trapTarget(3, -1, false)).toBe(0);
    expect(trapTarget(3, -1, true)).toBe(2);
  });
  it('one element keeps the focus; none leaves it alone', () => {
    expect(trapTarget(1, 0, false)).toBe(0);
    expect(trapTarget(1, 0, true)).toBe(0);
    expect(trapTarget(0, -1, false)).toBeNull();
  });
});

describe('tab keys', () => {
  it('Left and Right wrap around; Home and End go to the ends', () => {
    expect(tabKeyTarget('ArrowRight', 0, 3)).toBe(1);
    expect(tabKeyTarget('ArrowRight', 2, 3)).toBe(0);
    expect(tabKeyTarget('ArrowLeft', 0, 3)).toBe(2);
    expect(tabKeyTarget('ArrowLeft', 2, 3)).toBe(1);
    expect(tabKeyTarget('Home', 2, 3)).toBe(0);
    expect(tabKeyTarget('End', 0, 3)).toBe(2);
  });
  it('other keys are not the tabs\' business', () => {
    expect(tabKeyTarget('ArrowDown', 0, 3)).toBeNull();
    expect(tabKeyTarget('Enter', 0, 3)).toBeNull();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('permission announcement', () => {
  it('says what is asked, on what, and the choices', () => {
    expect(permissionAnnouncement({ title: 'bash', patterns: ['echo hi > proof.txt'] })).toBe(
      'Permission needed: OpenCode asks for bash on echo hi > proof.txt. Allow once, Always allow, or Reject.',
    );
    expect(permissionAnnouncement({ title: 'edit', patterns: [] })).toBe('Permission needed: OpenCode asks for edit. Allow once, Always allow, or Reject.');
    expect(permissionAnnouncement({ title: 'bash', patterns: ['ls'], subagent: true })).toBe('Permission needed: a subagent asks for bash on ls. Allow once, Always allow, or Reject.');
  });
});

describe('question announcement', () => {
  it('says the first question and how many more', () => {
    expect(questionAnnouncement({ questions: [{ question: 'Which database?' }] })).toBe('Question from OpenCode: Which database? Answer or dismiss it below.');
    expect(questionAnnouncement({ questions: [{ question: 'A?' }, { question: 'B?' }] })).toBe('Question from OpenCode: A? (and 1 more). Answer or dismiss it below.');
  });
});
