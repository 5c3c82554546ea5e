"""Reading the store for people: listings, reports, the timeline picture, dates in words.

``query`` lists and searches articles; ``report`` gives the timeline, provider
counts and exports as plain rows; ``plot`` draws the timeline; ``words`` says
dates and targets in French or English for all of them and for the mail.
"""
