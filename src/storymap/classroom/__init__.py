"""The classroom kit: quiz questions, the printable handout and its PDF.

Everything here reads a built :class:`~storymap.model.StoryModel`; question
generation and the handout map are pure functions of the model (and a seed).
"""
