"""Discrete-event simulation of a rostered week, contact by contact (issue 13).

``floor`` builds the neutral floor-plan input, ``model`` the compiled queues and rates, ``engine``
runs one replication, ``run`` runs replications (in parallel) and ``report`` summarises them.
"""
