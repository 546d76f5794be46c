from django.shortcuts import render
from django.views.generic import DetailView

from .models import Commitment, Pillar, SourceDocument


def dashboard(request):
    return render(request, "commitments/dashboard.html", {})


class CommitmentDetailView(DetailView):
    def get_queryset(self):
        return Commitment.objects.visible_to(self.request.user)


class PillarDetailView(DetailView):
    model = Pillar


class SourceDetailView(DetailView):
    model = SourceDocument
