from complaints.models import State


def test_intake_creates_a_numbered_complaint_in_intake(new_complaint):
    complaint = new_complaint()

    assert complaint.state == State.INTAKE
    assert complaint.reference.startswith("CP-")
    assert complaint.events.count() == 1
