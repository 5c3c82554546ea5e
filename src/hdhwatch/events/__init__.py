"""Events: the timeline of stated targets, and the shift events when the target moves.

``timeline`` replays the stored deadline statements in publication order.
"""
