"""The finesse.js stand-in has the documented shapes of Cisco's library (F4), so a bridge that
works against it works against Finesse: names, callback arguments, state names."""

import pytest

from tests.harness.desktop import wait_until

pytestmark = pytest.mark.browser

# Finesse's documented names (Finesse JavaScript library, 11.6-12.6).
DIALOG_STATES = ["ALERTING", "INITIATING", "ACTIVE", "DROPPED", "INITIATED", "FAILED", "ACCEPTED"]
PARTICIPANT_STATES = DIALOG_STATES + ["HELD", "WRAP_UP"]
MEDIA_STATES = ["LOGOUT", "NOT_READY", "READY", "RESERVED", "WORK", "INTERRUPTED"]
MEDIA_DIALOG_STATES = [
    "OFFERED",
    "ACCEPTED",
    "ACTIVE",
    "PAUSED",
    "WRAPPING_UP",
    "INTERRUPTED",
    "CLOSED",
]
CONFIG_KEYS = [
    "id",
    "authorization",
    "authToken",
    "host",
    "hostPort",
    "scheme",
    "restHost",
    "locale",
    "extension",
    "teamId",
    "teamName",
    "systemAuthMode",
    "clientDriftInMillis",
]

SHAPES = """() => {
  const R = finesse.restservices;
  const methods = (C) => {
    const names = [];
    for (let p = C.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      names.push(...Object.getOwnPropertyNames(p));
    }
    return names;
  };
  return {
    user: methods(R.User), dialog: methods(R.Dialog), mediaDialog: methods(R.MediaDialog),
    mediaList: methods(R.MediaList), media: methods(R.Media), dialogs: methods(R.Dialogs),
    dialogStates: Object.keys(R.Dialog.States), participantStates:
      Object.keys(R.Dialog.ParticipantStates), mediaStates: Object.keys(R.Media.States),
    mediaDialogStates: Object.keys(R.MediaDialog.States),
    statesNameThemselves: [R.Dialog.States, R.Dialog.ParticipantStates, R.Media.States,
      R.MediaDialog.States].every(s => Object.keys(s).every(k => s[k] === k)),
    config: Object.keys(finesse.gadget.Config),
    clientServices: Object.keys(finesse.clientservices.ClientServices),
    containerServices: Object.keys(finesse.containerservices.ContainerServices),
    activeTab: finesse.containerservices.ContainerServices.Topics.ACTIVE_TAB,
    logger: Object.keys(finesse.cslogger.ClientLogger),
  };
}"""


def test_F4_stand_in_names_match_the_finesse_library(desktop):
    desktop.sign_in(1, "agent1")
    shapes = desktop.frame(1).evaluate(SHAPES)
    assert {"getId", "getExtension", "getDialogs", "getMediaList", "addHandler"} <= set(
        shapes["user"]
    )
    assert {
        "getId",
        "getFromAddress",
        "getToAddress",
        "getMediaType",
        "getState",
        "getParticipants",
        "getMediaProperties",
        "addHandler",
        "getData",
    } <= set(shapes["dialog"])
    assert {"setTaskState", "getFromAddress", "getMediaProperties"} <= set(shapes["mediaDialog"])
    assert {"getMedia"} <= set(shapes["mediaList"])
    assert {"getId", "getName", "getState", "isLoggedIn", "getMediaDialogs"} <= set(shapes["media"])
    assert {"getCollection", "addHandler"} <= set(shapes["dialogs"])
    assert sorted(shapes["dialogStates"]) == sorted(DIALOG_STATES)
    assert sorted(shapes["participantStates"]) == sorted(PARTICIPANT_STATES)
    assert sorted(shapes["mediaStates"]) == sorted(MEDIA_STATES)
    assert sorted(shapes["mediaDialogStates"]) == sorted(MEDIA_DIALOG_STATES)
    assert shapes["statesNameThemselves"]
    assert sorted(shapes["config"]) == sorted(CONFIG_KEYS)
    assert {"init", "registerOnConnectHandler", "registerOnDisconnectHandler"} <= set(
        shapes["clientServices"]
    )
    assert {
        "init",
        "addHandler",
        "makeActiveTabReq",
        "activateMyTab",
        "getMyGadgetId",
        "showMyGadgetNotification",
        "Topics",
    } <= set(shapes["containerServices"])
    assert shapes["activeTab"] == "finesse.containerservices.activeTab"
    assert {"init", "log"} <= set(shapes["logger"])


RECORD = """() => {
  window.seen = {added: [], changed: [], deleted: [], loaded: null, media: [], errors: []};
  const user = new finesse.restservices.User({id: finesse.gadget.Config.id, onLoad: (u) => {
    u.getDialogs({
      onLoad: (c) => { seen.loaded = typeof c.getCollection(); },
      onCollectionAdd: (d) => {
        seen.added.push({id: d.getId(), from: d.getFromAddress(), state: d.getState(),
                         participants: d.getParticipants(), props: d.getMediaProperties()});
        d.addHandler("change", (x) => seen.changed.push(
          {same: x === d, state: x.getState(),
           mine: x.getParticipants().find(p => p.mediaAddress === u.getExtension()).state}));
      },
      onCollectionDelete: (d) => seen.deleted.push({id: d.getId(), state: d.getState()}),
    });
    u.getMediaList({onLoad: (list) => {
      list.getMedia({id: "9999", onError: (e) => seen.errors.push(e.status)});
      list.getMedia({id: "5001", onLoad: (m) => m.getMediaDialogs({
        onCollectionAdd: (d) => seen.media.push({mrd: m.getId(), name: m.getName(),
          mediaId: d.getMediaProperties().mediaId, state: d.getState(),
          type: d.getMediaType()}),
      })});
    }});
  }});
}"""


def test_F4_stand_in_callbacks_have_finesse_shapes(desktop):
    desktop.sign_in(1, "agent1")
    frame = desktop.frame(1)
    frame.evaluate(RECORD)
    wait_until(lambda: frame.evaluate("seen.loaded") == "object", message="Dialogs onLoad")
    dialog = desktop.call(1, caller="+31 20 555 0123")
    desktop.act(1, "answer", dialog)
    desktop.act(1, "drop", dialog)
    email = desktop.task(1, "email", "grace@example.com")
    desktop.task(1, "chat", "visitor-9")  # another MRD: 5001's collection hears of it too
    seen = wait_until(
        lambda: frame.evaluate(
            "seen.deleted.length && seen.media.length === 2 && seen.errors.length && seen"
        ),
        message="the recorded callbacks",
    )

    [added] = seen["added"]
    assert added["id"] == dialog and added["from"] == "+31 20 555 0123"
    assert added["state"] == "ALERTING"
    agent_participant = [p for p in added["participants"] if p["mediaAddress"] == "1001"][0]
    assert agent_participant["state"] == "ALERTING"
    assert agent_participant["actions"]["action"] == ["ANSWER"]
    # Call variables come flattened, beside DNIS and the other media properties.
    assert added["props"]["DNIS"] == "1001" and "callVariable1" in added["props"]
    assert [c["mine"] for c in seen["changed"]] == ["ACTIVE", "DROPPED"]
    assert all(c["same"] for c in seen["changed"])
    assert seen["deleted"] == [{"id": dialog, "state": "DROPPED"}]
    assert seen["errors"] == [404]
    by_mrd = {entry["mediaId"]: entry for entry in seen["media"]}
    assert by_mrd["5001"]["state"] == "OFFERED" and by_mrd["5001"]["type"] == "Email"
    assert by_mrd["5000"]["mrd"] == "5001"  # Finesse tells every media of every dialog
    assert email.startswith("5001_")


def test_F4_user_load_fails_with_a_status_for_wrong_credentials(desktop):
    desktop.sign_in(1, "agent1")
    status = desktop.frame(1).evaluate("""() => new Promise((resolve) => {
      finesse.gadget.Config.authorization = btoa("agent1:wrong");
      new finesse.restservices.User({id: "agent1", onLoad: () => resolve("loaded"),
                                     onError: (e) => resolve(e.status)});
    })""")
    assert status == 401
