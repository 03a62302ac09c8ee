def appraisal_of(cycle, staff):
    """The person's appraisal in the cycle."""
    return cycle.appraisals.get(staff=staff)
