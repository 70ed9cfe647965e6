from tenants.sso.claims import values_at

PSC_USERINFO = {
    "sub": "f:550dc1c8-d97b-4b1e-ac8c-8eb4471cf9dd:ANS20210604",
    "SubjectNameID": "810002673899",
    "SubjectRefPro": {
        "codeCivilite": "M",
        "exercices": [
            {
                "codeProfession": "10",
                "codeCategorieProfessionnelle": "C",
                "activities": [{"ancienIdentifiantDeLaStructure": "1800000044"}],
            },
            {
                "codeProfession": "21",
                "activities": [{"ancienIdentifiantDeLaStructure": "1750712184"}],
            },
        ],
    },
}


def test_a_flat_claim_and_a_list_claim():
    assert values_at({"email": "a@b.fr"}, "email") == ["a@b.fr"]
    assert values_at({"groups": ["biomed", "staff"]}, "groups") == ["biomed", "staff"]


def test_nested_keycloak_roles():
    claims = {"realm_access": {"roles": ["ingenieur-biomedical", "offline_access"]}}
    assert values_at(claims, "realm_access.roles") == ["ingenieur-biomedical", "offline_access"]


def test_pro_sante_connect_professions_and_structures_across_every_practice():
    assert values_at(PSC_USERINFO, "SubjectNameID") == ["810002673899"]
    assert values_at(PSC_USERINFO, "SubjectRefPro.exercices.codeProfession") == ["10", "21"]
    assert values_at(
        PSC_USERINFO, "SubjectRefPro.exercices.activities.ancienIdentifiantDeLaStructure"
    ) == ["1800000044", "1750712184"]


def test_missing_paths_and_objects_give_nothing():
    assert values_at(PSC_USERINFO, "SubjectRefPro.nothing") == []
    assert values_at(PSC_USERINFO, "SubjectRefPro") == []  # an object is not a value
    assert values_at({}, "") == []


def test_numbers_and_booleans_compare_as_text():
    assert values_at({"level": 3, "ok": True}, "level") == ["3"]
