"""The organisation part of the REST API: unions and employers, within the token's scope."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gongjiang.core.http import ApiPagination, ErrorOut, need, one_of

from .enums import UnionKind
from .queries import employers_for_user, unions_for_user
from .rules import VIEW_EMPLOYERS, VIEW_UNIONS

# The published operation ids were made from the module that first held these operations.
OPERATION_ID_PREFIX = "gongjiang_api_api"

router = Router(tags=["orgs"])
ROUTERS = [router]


class UnionOut(Schema):
    id: int
    name: str
    kind: one_of(UnionKind)
    region_code: str = Field(alias="region_id")
    parent_id: int | None
    industry_parent_id: int | None


class EmployerOut(Schema):
    id: int
    name: str
    uscc: str
    region_code: str = Field(alias="region_id")
    union_id: int
    industry: str


@router.get("/unions", response=list[UnionOut])
@paginate(ApiPagination)
def list_unions(request: HttpRequest, q: str = ""):
    need(request, VIEW_UNIONS)
    qs = unions_for_user(request.scope).order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@router.get("/unions/{union_id}", response={200: UnionOut, 404: ErrorOut})
def get_union(request: HttpRequest, union_id: int):
    need(request, VIEW_UNIONS)
    return get_object_or_404(unions_for_user(request.scope), pk=union_id)


@router.get("/employers", response=list[EmployerOut])
@paginate(ApiPagination)
def list_employers(request: HttpRequest, q: str = ""):
    need(request, VIEW_EMPLOYERS)
    qs = employers_for_user(request.scope).order_by("pk")
    if q:
        qs = qs.filter(name__contains=q)
    return qs


@router.get("/employers/{employer_id}", response={200: EmployerOut, 404: ErrorOut})
def get_employer(request: HttpRequest, employer_id: int):
    need(request, VIEW_EMPLOYERS)
    return get_object_or_404(employers_for_user(request.scope), pk=employer_id)
